//! The recipes of docs/faults.md ("Shards, and the machines to run them"), run as
//! written there: GNU parallel (when installed; CI installs it) and the Slurm job array
//! (its script run once per array task with the variables Slurm sets, then the merge
//! job's command). Only the campaign, the number of shards and the hosts are replaced by
//! small local ones. Each merged report must be the unsharded campaign's.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shell block after `<!-- tested by ...: NAME -->` in docs/faults.md.
fn recipe(name: &str) -> String {
    let doc = std::fs::read_to_string(repo().join("docs/faults.md")).unwrap();
    let marker = format!("<!-- tested by crates/ccs-cli/tests/faults_recipes.rs: {name} -->\n```sh\n");
    let start = doc.find(&marker).unwrap_or_else(|| panic!("docs/faults.md has no recipe {name}")) + marker.len();
    let len = doc[start..].find("```").unwrap();
    doc[start..start + len].to_string()
}

const SHARDS: usize = 3;
const CAMPAIGN: &str = "programs/tick.asm --exhaustive --region ccs-a:0o40+32 --cycles 10s";

/// The recipe with each `NAME=` line given its test value (every one must be there).
fn with_values(text: &str, values: &[(&str, String)]) -> String {
    let mut out = String::new();
    let mut replaced = 0;
    for line in text.lines() {
        match values.iter().find(|(name, _)| line.starts_with(&format!("{name}="))) {
            Some((name, value)) => {
                out += &format!("{name}={value}\n");
                replaced += 1;
            }
            None => out += &format!("{line}\n"),
        }
    }
    assert_eq!(replaced, values.len(), "the recipe sets {values:?}:\n{text}");
    out
}

/// Run a shell script in `dir` with `ccs` (this build) first on the PATH.
fn bash(dir: &Path, script: &str, env: &[(&str, String)]) {
    let bin = Path::new(env!("CARGO_BIN_EXE_ccs")).parent().unwrap().to_path_buf();
    let path =
        std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())))
            .unwrap();
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .env("PARALLEL", "--will-cite")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}\nfailed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The unsharded campaign's report, without its timings.
fn unsharded() -> serde_json::Value {
    let mut args: Vec<&str> = vec!["faults"];
    args.extend(CAMPAIGN.split(' '));
    args.extend(["--format", "json"]);
    let out = Command::new(env!("CARGO_BIN_EXE_ccs")).args(&args).current_dir(repo()).output().unwrap();
    without_timing(&String::from_utf8_lossy(&out.stdout))
}

fn without_timing(json: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    v.as_object_mut().unwrap().remove("timing");
    v
}

fn merged(dir: &Path, file: &str) -> serde_json::Value {
    without_timing(&std::fs::read_to_string(dir.join(file)).unwrap())
}

#[test]
fn the_gnu_parallel_recipe_runs_the_shards_and_merges_them() {
    if Command::new("parallel").arg("--version").output().is_err() {
        assert!(std::env::var("CI").is_err(), "CI installs GNU parallel (.ci/run)");
        eprintln!("GNU parallel is not installed: recipe not run (apt-get install parallel)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = with_values(
        &recipe("gnu-parallel"),
        &[("N", SHARDS.to_string()), ("HOSTS", "2/:".into()), ("CAMPAIGN", format!("\"{CAMPAIGN}\""))],
    );
    bash(dir.path(), &script, &[]);
    assert_eq!(merged(dir.path(), "fixed.json"), unsharded());
    let log = std::fs::read_to_string(dir.path().join("shards.log")).unwrap();
    assert_eq!(log.lines().count(), 1 + SHARDS, "one job per shard in the job log:\n{log}");
}

#[test]
fn the_slurm_array_script_and_its_merge_job_give_the_unsharded_report() {
    let dir = tempfile::tempdir().unwrap();
    let script = recipe("slurm-array");
    assert!(script.starts_with("#!/bin/bash\n") && script.contains("#SBATCH --array=1-"), "{script}");
    let script = with_values(&script, &[("CAMPAIGN", format!("\"{CAMPAIGN}\""))]);
    for task in 1..=SHARDS {
        let env = [
            ("SLURM_ARRAY_TASK_ID", task.to_string()),
            ("SLURM_ARRAY_TASK_COUNT", SHARDS.to_string()),
            ("SLURM_CPUS_PER_TASK", "1".to_string()),
        ];
        bash(dir.path(), &script, &env);
    }
    // The second job: what `sbatch --wrap` would run once the array is done.
    let submit = recipe("slurm-submit");
    let wrap = submit.split("--wrap \"").nth(1).and_then(|rest| rest.split('"').next()).expect("a --wrap command");
    assert!(submit.contains("--dependency=afterok:$job") && submit.contains("faults.sbatch"), "{submit}");
    bash(dir.path(), wrap, &[]);
    assert_eq!(merged(dir.path(), "fixed.json"), unsharded());
}
