//! Importers for the Alibaba `openb` GPU trace (node list and pod list CSVs) with typed errors.
//!
//! Node CSV columns: `sn,cpu_milli,memory_mib,gpu,model`.
//! Pod CSV columns: `name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,
//! creation_time,deletion_time,scheduled_time`; the `multigpu*` variants carry only the first five.
//! Every error names the file, the 1-based line and the column.

use std::path::Path;

use super::model::{GpuModels, NodeSpec, PodSpec, MAX_GPUS_PER_NODE, MAX_GPU_MODELS, MILLI};

/// Columns of the node list.
pub const NODE_COLUMNS: [&str; 5] = ["sn", "cpu_milli", "memory_mib", "gpu", "model"];
/// Columns of the full pod list.
pub const POD_COLUMNS: [&str; 11] = [
    "name",
    "cpu_milli",
    "memory_mib",
    "num_gpu",
    "gpu_milli",
    "gpu_spec",
    "qos",
    "pod_phase",
    "creation_time",
    "deletion_time",
    "scheduled_time",
];
/// Number of leading pod columns present in every variant (the `multigpu*` files stop here).
pub const POD_MIN_COLUMNS: usize = 5;

/// An error while importing an openb CSV file.
#[derive(Debug, thiserror::Error)]
pub enum OpenbError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// File path.
        file: String,
        /// Underlying I/O error.
        source: std::io::Error,
    },
    /// A row or header is malformed.
    #[error("{file}:{line}: column `{column}`: {message}")]
    Invalid {
        /// File path (or label for embedded data).
        file: String,
        /// 1-based line number.
        line: u64,
        /// Column name the problem was found in.
        column: String,
        /// What is wrong.
        message: String,
    },
}

fn invalid(file: &str, line: u64, column: &str, message: impl Into<String>) -> OpenbError {
    OpenbError::Invalid {
        file: file.to_string(),
        line,
        column: column.to_string(),
        message: message.into(),
    }
}

fn read(path: &Path) -> Result<String, OpenbError> {
    std::fs::read_to_string(path).map_err(|source| OpenbError::Io {
        file: path.display().to_string(),
        source,
    })
}

/// Reads rows as string records, checking the header against `columns` and each row's width.
/// Returns `(line, fields)` per data row; rows must have exactly as many fields as the header.
fn records(
    text: &str,
    file: &str,
    columns: &[&str],
    min_columns: usize,
) -> Result<Vec<(u64, csv::StringRecord)>, OpenbError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = rdr
        .headers()
        .map_err(|e| invalid(file, 1, columns[0], format!("bad header: {e}")))?
        .clone();
    if header.len() < min_columns || header.len() > columns.len() {
        let column = columns.get(header.len()).copied().unwrap_or("(extra)");
        return Err(invalid(
            file,
            1,
            column,
            format!(
                "header has {} columns, expected {} to {}",
                header.len(),
                min_columns,
                columns.len()
            ),
        ));
    }
    for (i, (got, want)) in header.iter().zip(columns).enumerate() {
        if got.trim() != *want {
            return Err(invalid(
                file,
                1,
                want,
                format!("header column {} is `{got}`, expected `{want}`", i + 1),
            ));
        }
    }
    let width = header.len();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            invalid(file, line, columns[0], format!("CSV syntax: {e}"))
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() != width {
            let column = if rec.len() < width {
                columns[rec.len()]
            } else {
                "(extra)"
            };
            return Err(invalid(
                file,
                line,
                column,
                format!("row has {} columns, expected {width}", rec.len()),
            ));
        }
        out.push((line, rec));
    }
    Ok(out)
}

fn int(file: &str, line: u64, column: &str, raw: &str, max: i64) -> Result<i64, OpenbError> {
    let v: i64 = raw
        .trim()
        .parse()
        .map_err(|_| invalid(file, line, column, format!("`{raw}` is not an integer")))?;
    if v < 0 {
        return Err(invalid(file, line, column, format!("{v} is negative")));
    }
    if v > max {
        return Err(invalid(file, line, column, format!("{v} exceeds {max}")));
    }
    Ok(v)
}

/// Parses a node list from text; returns the nodes and the table of GPU models they use.
pub fn parse_nodes(text: &str, file: &str) -> Result<(Vec<NodeSpec>, GpuModels), OpenbError> {
    let rows = records(text, file, &NODE_COLUMNS, NODE_COLUMNS.len())?;
    let mut raw = Vec::with_capacity(rows.len());
    let mut models_seen = std::collections::BTreeSet::new();
    for (line, rec) in &rows {
        let line = *line;
        let name = rec[0].trim().to_string();
        if name.is_empty() {
            return Err(invalid(file, line, "sn", "empty node name"));
        }
        let cpu = int(file, line, "cpu_milli", &rec[1], i64::MAX)?;
        let mem = int(file, line, "memory_mib", &rec[2], i64::MAX)?;
        let gpus = int(file, line, "gpu", &rec[3], MAX_GPUS_PER_NODE as i64)? as u8;
        let model = rec[4].trim().to_string();
        if gpus > 0 && model.is_empty() {
            return Err(invalid(file, line, "model", "GPU node without a model"));
        }
        if gpus > 0 && models_seen.insert(model.clone()) && models_seen.len() > MAX_GPU_MODELS {
            return Err(invalid(
                file,
                line,
                "model",
                format!("`{model}` is GPU model number {}: at most {MAX_GPU_MODELS} GPU models are supported", models_seen.len()),
            ));
        }
        raw.push((name, cpu, mem, gpus, model));
    }
    let models = GpuModels::new(
        raw.iter()
            .filter(|r| r.3 > 0)
            .map(|r| r.4.clone())
            .collect::<Vec<_>>(),
    );
    let nodes = raw
        .into_iter()
        .map(|(name, cpu_milli, memory_mib, gpus, model)| NodeSpec {
            name,
            cpu_milli,
            memory_mib,
            gpus,
            model: if gpus > 0 { models.index(&model) } else { None },
        })
        .collect();
    Ok((nodes, models))
}

/// Parses a pod list from text; `gpu_spec` entries must name models in `models`.
pub fn parse_pods(text: &str, file: &str, models: &GpuModels) -> Result<Vec<PodSpec>, OpenbError> {
    let rows = records(text, file, &POD_COLUMNS, POD_MIN_COLUMNS)?;
    let mut pods = Vec::with_capacity(rows.len());
    for (line, rec) in &rows {
        let line = *line;
        let name = rec[0].trim().to_string();
        if name.is_empty() {
            return Err(invalid(file, line, "name", "empty pod name"));
        }
        let cpu_milli = int(file, line, "cpu_milli", &rec[1], i64::MAX)?;
        let memory_mib = int(file, line, "memory_mib", &rec[2], i64::MAX)?;
        let num_gpu = int(file, line, "num_gpu", &rec[3], MAX_GPUS_PER_NODE as i64)? as u8;
        let gpu_milli = int(file, line, "gpu_milli", &rec[4], i64::from(MILLI))? as u16;
        if num_gpu == 0 && gpu_milli != 0 {
            return Err(invalid(
                file,
                line,
                "gpu_milli",
                format!("{gpu_milli} milli-GPU requested with num_gpu = 0"),
            ));
        }
        if num_gpu > 0 && gpu_milli == 0 {
            return Err(invalid(
                file,
                line,
                "gpu_milli",
                "0 milli-GPU requested with num_gpu > 0",
            ));
        }
        if num_gpu > 1 && u32::from(gpu_milli) != MILLI {
            return Err(invalid(
                file,
                line,
                "gpu_milli",
                format!(
                    "a pod with {num_gpu} GPUs must request whole GPUs (1000), not {gpu_milli}"
                ),
            ));
        }
        let gpu_spec = rec.get(5).map_or("", str::trim).to_string();
        let mut spec_mask = 0u64;
        for token in gpu_spec.split('|').map(str::trim).filter(|t| !t.is_empty()) {
            let idx = models.index(token).ok_or_else(|| {
                invalid(
                    file,
                    line,
                    "gpu_spec",
                    format!(
                        "unknown GPU model `{token}` (known: {})",
                        models.names().join(", ")
                    ),
                )
            })?;
            spec_mask |= 1u64 << idx;
        }
        pods.push(PodSpec {
            name,
            cpu_milli,
            memory_mib,
            num_gpu,
            gpu_milli,
            gpu_spec,
            spec_mask,
        });
    }
    Ok(pods)
}

/// Reads and parses a node list file.
pub fn load_nodes(path: &Path) -> Result<(Vec<NodeSpec>, GpuModels), OpenbError> {
    parse_nodes(&read(path)?, &path.display().to_string())
}

/// Reads and parses a pod list file.
pub fn load_pods(path: &Path, models: &GpuModels) -> Result<Vec<PodSpec>, OpenbError> {
    parse_pods(&read(path)?, &path.display().to_string(), models)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NODES: &str = "sn,cpu_milli,memory_mib,gpu,model\nn0,64000,1024,2,P100\nn1,96000,2048,8,G2\nc0,32000,512,0,\n";

    fn models() -> GpuModels {
        parse_nodes(NODES, "nodes.csv").unwrap().1
    }

    fn pod_err(row: &str) -> String {
        let text = format!("{}\n{row}\n", POD_COLUMNS.join(","));
        parse_pods(&text, "pods.csv", &models())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn parses_nodes() {
        let (nodes, models) = parse_nodes(NODES, "nodes.csv").unwrap();
        assert_eq!(models.names(), ["G2", "P100"]);
        assert_eq!(nodes.len(), 3);
        assert_eq!(nodes[0].model, Some(1));
        assert_eq!(nodes[1].gpus, 8);
        assert_eq!(nodes[2].model, None);
    }

    /// Found while writing the openb fuzz target: a 65th model panicked in `GpuModels::new`.
    #[test]
    fn a_65th_gpu_model_is_an_error_at_its_line() {
        let mut text = NODE_COLUMNS.join(",");
        for i in 0..65 {
            text.push_str(&format!("\nn{i},1000,1024,1,M{i}"));
        }
        assert_eq!(
            parse_nodes(&text, "nodes.csv").unwrap_err().to_string(),
            "nodes.csv:66: column `model`: `M64` is GPU model number 65: at most 64 GPU models are supported"
        );
    }

    #[test]
    fn parses_full_and_short_pod_files() {
        let full = format!(
            "{}\np0,1000,10,1,500,G2|P100,LS,Running,0,1,0\np1,2000,20,0,0,,BE,Failed,0,1,0\n",
            POD_COLUMNS.join(",")
        );
        let pods = parse_pods(&full, "pods.csv", &models()).unwrap();
        assert_eq!(pods[0].spec_mask, 0b11);
        assert!(pods[0].is_share());
        assert_eq!(pods[1].num_gpu, 0);
        let short = "name,cpu_milli,memory_mib,num_gpu,gpu_milli\np0,1000,10,2,1000\n";
        let pods = parse_pods(short, "mg.csv", &models()).unwrap();
        assert_eq!(pods[0].total_gpu_milli(), 2000);
        assert_eq!(pods[0].gpu_spec, "");
    }

    #[test]
    fn wrong_column_count_names_file_line_and_column() {
        let e = pod_err("p0,1000,10,1,500,,LS,Running,0,1");
        assert_eq!(
            e,
            "pods.csv:2: column `scheduled_time`: row has 10 columns, expected 11"
        );
        let e = pod_err("p0,1000,10,1,500,,LS,Running,0,1,0,9");
        assert!(e.starts_with("pods.csv:2: column `(extra)`"), "{e}");
    }

    #[test]
    fn negative_and_non_numeric_values() {
        assert_eq!(
            pod_err("p0,-5,10,1,500,,LS,Running,0,1,0"),
            "pods.csv:2: column `cpu_milli`: -5 is negative"
        );
        assert_eq!(
            pod_err("p0,100,ten,1,500,,LS,Running,0,1,0"),
            "pods.csv:2: column `memory_mib`: `ten` is not an integer"
        );
        let e = parse_nodes(
            "sn,cpu_milli,memory_mib,gpu,model\nn0,1,1,x,G2\n",
            "nodes.csv",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(e, "nodes.csv:2: column `gpu`: `x` is not an integer");
    }

    #[test]
    fn unknown_model_and_too_much_gpu_milli() {
        let e = pod_err("p0,100,10,1,500,V100M16,LS,Running,0,1,0");
        assert!(
            e.starts_with("pods.csv:2: column `gpu_spec`: unknown GPU model `V100M16`"),
            "{e}"
        );
        assert_eq!(
            pod_err("p0,100,10,1,1500,,LS,Running,0,1,0"),
            "pods.csv:2: column `gpu_milli`: 1500 exceeds 1000"
        );
        let e = pod_err("p0,100,10,2,500,,LS,Running,0,1,0");
        assert!(e.starts_with("pods.csv:2: column `gpu_milli`"), "{e}");
    }

    #[test]
    fn bad_header_and_missing_file() {
        let e = parse_pods(
            "name,cpu,memory_mib,num_gpu,gpu_milli\n",
            "h.csv",
            &models(),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "h.csv:1: column `cpu_milli`: header column 2 is `cpu`, expected `cpu_milli`"
        );
        let e = load_nodes(Path::new("/nonexistent/x.csv"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("/nonexistent/x.csv: cannot read"), "{e}");
    }
}
