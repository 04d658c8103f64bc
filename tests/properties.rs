//! Property tests (issue 13 item 2): structured random inputs for the readers. Durations
//! and quantities built from parts parse to the value the parts say; label selectors built
//! from requirements parse and match as their parts say; structured random Deployments load
//! exactly when their replicas are within the ceiling; and arbitrary text never panics any
//! of these readers. (The fuzz targets under `fuzz/` search unstructured bytes for longer.)

use k8sim::input::duration::parse_duration_ms;
use k8sim::input::manifest::load_file;
use k8sim::kubectl::parse_selector;
use k8sim::model::labels::Labels;
use k8sim::model::quantity::Quantity;
use k8sim::model::resources::ResourceNames;
use k8sim::scenario::object::Object;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

/// The suite's cases come from a fixed seed so every run checks the same inputs (a CI run
/// must not pass or fail by luck).
fn fixed(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_seed: RngSeed::Fixed(0x006b_3873_696d),
        ..ProptestConfig::default()
    }
}

/// Whether a word can be a label key in a selector string: `in` and `notin` are the
/// selector grammar's set operators, which Kubernetes' selector lexer reads as keywords
/// (k8s.io/apimachinery/pkg/labels/selector.go, `string2token`), so `in=0` is refused.
fn is_selector_keyword(word: &str) -> bool {
    word == "in" || word == "notin"
}

proptest! {
    #![proptest_config(fixed(2_000))]

    #[test]
    fn a_duration_built_from_parts_is_their_sum(
        d in 0u64..30, h in 0u64..24, m in 0u64..60, s in 0u64..60, ms in 0u64..1000,
    ) {
        let text = format!("{d}d{h}h{m}m{s}s{ms}ms");
        let want = (((d * 24 + h) * 60 + m) * 60 + s) * 1000 + ms;
        prop_assert_eq!(parse_duration_ms(&text), Ok(want));
    }

    #[test]
    fn a_quantity_with_a_suffix_is_the_number_times_the_suffix(
        n in 0i64..1_000_000,
        (suffix, factor) in prop::sample::select(vec![
            ("", 1i64), ("k", 1_000), ("M", 1_000_000), ("G", 1_000_000_000),
            ("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30),
        ]),
    ) {
        let q = Quantity::parse(&format!("{n}{suffix}")).unwrap();
        prop_assert_eq!(q.value(), n * factor);
        // What a quantity prints parses back to the same amount.
        let again = Quantity::parse(&q.to_string()).unwrap();
        prop_assert_eq!(again.milli_value(), q.milli_value());
    }

    #[test]
    fn a_millicore_quantity_is_exact(n in 0i64..10_000_000) {
        prop_assert_eq!(Quantity::parse(&format!("{n}m")).unwrap().milli_value(), n);
    }

    #[test]
    fn a_selector_built_from_requirements_matches_as_they_say(
        key in "[a-z][a-z0-9]{0,8}".prop_filter("a keyword", |k| !is_selector_keyword(k)),
        value in "[a-z0-9]{1,8}",
        other in "[a-z0-9]{1,8}",
        op in 0usize..5,
    ) {
        let text = match op {
            0 => format!("{key}={value}"),
            1 => format!("{key}!={value}"),
            2 => format!("{key} in ({value},{other})"),
            3 => format!("{key} notin ({value})"),
            _ => format!("!{key}"),
        };
        let selector = parse_selector(&text).unwrap();
        let labels: Labels = [(key.clone(), value.clone())].into_iter().collect();
        let want = matches!(op, 0 | 2);
        prop_assert_eq!(selector.matches(&labels), want, "{}", text);
        prop_assert_eq!(selector.matches(&Labels::new()), matches!(op, 1 | 3 | 4), "{}", text);
    }

    #[test]
    fn arbitrary_text_never_panics_the_small_parsers(text in "\\PC{0,40}") {
        let _ = parse_duration_ms(&text);
        let _ = Quantity::parse(&text);
        let _ = parse_selector(&text);
    }

    #[test]
    fn a_keyword_is_never_a_selector_key(keyword in prop::sample::select(vec!["in", "notin"])) {
        let text = format!("{}=0", keyword);
        prop_assert!(parse_selector(&text).is_err(), "{} parsed", text);
    }
}

proptest! {
    #![proptest_config(fixed(300))]

    #[test]
    fn a_structured_random_deployment_loads_exactly_when_it_is_within_the_ceilings(
        name in "[a-z][a-z0-9-]{0,20}[a-z0-9]",
        replicas in prop_oneof![0i64..50, 999_990i64..1_000_010, 1_000_000i64..5_000_000_000],
        cpu in prop_oneof![
            (1u32..4000).prop_map(|m| format!("{m}m")),
            (1u32..64).prop_map(|c| c.to_string()),
        ],
        memory_mi in 1u32..65_536,
        labels in prop::collection::btree_map("[a-z]{1,6}", "[a-z0-9]{1,6}", 1..4),
    ) {
        // Values quoted: a bare 74 is a YAML number, which Kubernetes refuses as a label.
        let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}: \"{v}\"")).collect();
        let labels = labels.join(", ");
        let text = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{{labels}}}}}\n  template:\n    metadata: {{labels: {{{labels}}}}}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n        resources: {{requests: {{cpu: \"{cpu}\", memory: {memory_mi}Mi}}}}\n"
        );
        let path = std::env::temp_dir().join(format!("k8sim-prop-{}-deploy.yaml", std::process::id()));
        std::fs::write(&path, &text).unwrap();
        let loaded = load_file(&path, &mut ResourceNames::default());
        if replicas <= 1_000_000 {
            let set = loaded.map_err(|e| format!("{e:?}\n{text}")).unwrap();
            let Object::Deployment(d) = &set.objects[0].object else {
                panic!("not a Deployment");
            };
            prop_assert_eq!(d.replicas as i64, replicas);
            prop_assert_eq!(&d.meta.name, &name);
        } else {
            let Err(errors) = loaded else {
                panic!("replicas {replicas} over the ceiling were accepted");
            };
            let message = format!("{errors:?}");
            prop_assert!(message.contains("replicas"), "{}", message);
        }
    }
}
