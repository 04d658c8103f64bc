# k8sim in a small runtime image, for running sweeps as a Kubernetes Indexed Job
# (deploy/kubernetes/) or anywhere containers run. See docs/scale-out.md.
#   docker build -t k8sim:latest .
FROM rust:1.95-slim AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin k8sim \
    && strip target/release/k8sim

FROM debian:bookworm-slim
COPY --from=build /src/target/release/k8sim /usr/local/bin/k8sim
# The shipped scenarios and sweep files, so the image runs them without a volume.
COPY scenarios /k8sim/scenarios
WORKDIR /k8sim
ENTRYPOINT ["k8sim"]
