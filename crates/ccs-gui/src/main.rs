//! `ccs-gui`: the desktop app.
//!
//! ```text
//! ccs-gui [FILE...]                      open files (sources, images, scripts, maps, lessons, timelines)
//! ccs-gui --lesson FILE [--step N]       open a lesson (lessons/memory-discipline.ron) at step N
//! ccs-gui --screenshot OUT.png --frames N   render N frames in a real window, save a screenshot, exit
//! ccs-gui --bench-frames N               headless: N frames with every map visible, print frame CPU times
//!   --size WxH  --view map|node  --speed x1|x10|x1000|max  --run  --theme dark|light  --present
//! ```
//!
//! The arguments are parsed by clap (`ccs-gui --help`).

use ccs_gui::state::{Speed, Theme, View};
use ccs_gui::{AppState, CcsApp};
use ccs_gui::{Events, FileEvent, LessonEvent, RunEvent, ViewEvent};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The desktop app: every word of the spacecraft's 69,632 bytes, live.
#[derive(clap::Parser, Debug)]
#[command(name = "ccs-gui", version, about)]
struct Cli {
    /// Files to open: a source (.asm), image (.img), event script, scenario, map or lesson
    /// (.ron, .json), Node timeline (.jsonl) or recording folder; a path below programs/ that is
    /// not on disk is the bundled file (scenarios/cruise-week.ron, lessons/memory-discipline.ron)
    files: Vec<PathBuf>,
    /// Open a lesson
    #[arg(long, value_name = "FILE")]
    lesson: Option<PathBuf>,
    /// Show the lesson's step N (from 1) as a run through the lesson leaves it: the actions of
    /// steps 1 to N performed in order, at once; prints how steps 1 to N-1 went
    #[arg(long, value_name = "N", requires = "lesson", value_parser = clap::value_parser!(u64).range(1..))]
    step: Option<u64>,
    /// Large fonts for a projector (View > Presentation, F5)
    #[arg(long)]
    present: bool,
    /// Render frames in a real window, save a screenshot, exit
    #[arg(long, value_name = "OUT.png")]
    screenshot: Option<PathBuf>,
    /// Frames to render before the screenshot
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    frames: u64,
    /// Headless: N frames with every map visible, print frame CPU times
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    bench_frames: Option<u64>,
    /// Window size
    #[arg(long, value_name = "WxH", default_value = "1600x1000", value_parser = parse_size)]
    size: WindowSize,
    /// The view to start in
    #[arg(long, value_enum)]
    view: Option<ViewArg>,
    /// The speed to start at
    #[arg(long, value_parser = parse_speed)]
    speed: Option<Speed>,
    /// Start running
    #[arg(long)]
    run: bool,
    #[arg(long, value_enum, default_value = "dark")]
    theme: ThemeArg,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct WindowSize([f32; 2]);

fn parse_size(v: &str) -> Result<WindowSize, String> {
    let (w, h) = v.split_once('x').ok_or_else(|| format!("{v:?} is not WxH"))?;
    let p = |s: &str| s.parse::<f32>().ok().filter(|x| (200.0..=8000.0).contains(x));
    Ok(WindowSize([p(w).ok_or("bad width (200-8000)")?, p(h).ok_or("bad height (200-8000)")?]))
}

fn parse_speed(v: &str) -> Result<Speed, String> {
    Speed::ALL.into_iter().find(|s| s.label() == v).ok_or_else(|| format!("{v:?} is not x1, x10, x1000 or max"))
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum ViewArg {
    Map,
    Node,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum ThemeArg {
    Dark,
    Light,
}

struct Options {
    files: Vec<PathBuf>,
    screenshot: Option<PathBuf>,
    frames: usize,
    bench: Option<usize>,
    size: [f32; 2],
    view: Option<View>,
    speed: Option<Speed>,
    run: bool,
    theme: Theme,
    lesson: Option<PathBuf>,
    /// The lesson's step, from 1.
    step: Option<usize>,
    present: bool,
}

/// The options of `args` (without the program name); `Err` holds clap's message (or
/// its help text, for --help).
fn parse_args(args: &[String]) -> Result<Options, clap::Error> {
    use clap::Parser;
    let c = Cli::try_parse_from(std::iter::once("ccs-gui".to_string()).chain(args.iter().cloned()))?;
    Ok(Options {
        files: c.files,
        screenshot: c.screenshot,
        frames: c.frames as usize,
        bench: c.bench_frames.map(|n| n as usize),
        size: c.size.0,
        view: c.view.map(|v| match v {
            ViewArg::Map => View::MemoryMap,
            ViewArg::Node => View::TwoMachines,
        }),
        speed: c.speed,
        run: c.run,
        theme: match c.theme {
            ThemeArg::Dark => Theme::Dark,
            ThemeArg::Light => Theme::Light,
        },
        lesson: c.lesson,
        step: c.step.map(|n| n as usize),
        present: c.present,
    })
}

/// The app as the options ask. A lesson comes after the files and the view and speed
/// options, so that the state its step expects is the one shown.
fn make_app(o: &Options) -> Result<CcsApp, String> {
    let mut app = CcsApp::new(AppState::with_default_program());
    let mut events = Events::default();
    events.extend(o.files.iter().map(|f| FileEvent::OpenPath(f.clone())));
    events.extend(o.view.map(ViewEvent::SetView));
    events.push(ViewEvent::SetTheme(o.theme));
    events.extend(o.speed.map(RunEvent::SetSpeed));
    events.push(ViewEvent::SetPresentation(o.present));
    app.apply(events);
    if let Some(path) = &o.lesson {
        app.apply([FileEvent::OpenPath(path.clone())]);
        let Some(steps) = app.state.lesson.as_ref().map(|l| l.lesson.steps.len()) else {
            let why = app.state.diagnostics.last().map_or(String::new(), |d| format!(":\n{}", d.text));
            return Err(format!("--lesson {}: not a lesson{why}", path.display()));
        };
        if let Some(n) = o.step {
            if n > steps {
                return Err(format!("--step {n}: the lesson has {steps} steps"));
            }
            app.apply([LessonEvent::Go(n - 1)]);
            if let Some(summary) = app.state.lesson.as_ref().and_then(|l| l.replay_summary()) {
                println!("{summary}");
            }
        }
    }
    if o.run {
        app.apply([RunEvent::Run]);
    }
    Ok(app)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let o = match parse_args(&args) {
        Ok(o) => o,
        Err(e) => {
            // --help and --version go to stdout and succeed; usage errors exit 2.
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    if let Some(n) = o.bench {
        return match bench(&o, n) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("ccs-gui: {e}");
                ExitCode::from(2)
            }
        };
    }
    let app = match make_app(&o) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("ccs-gui: {e}");
            return ExitCode::from(2);
        }
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size(o.size)
            .with_title("Voyager CCS: 69,632 bytes")
            .with_app_id("ccs-gui"),
        ..Default::default()
    };
    let result: Arc<Mutex<Option<Result<(), String>>>> = Arc::new(Mutex::new(None));
    let shot = o.screenshot.clone().map(|out| Screenshot {
        out,
        frames: o.frames,
        n: 0,
        requested: false,
        result: result.clone(),
    });
    let run = eframe::run_native("ccs-gui", options, Box::new(move |_cc| Ok(Box::new(Window { app, shot }))));
    if let Err(e) = run {
        eprintln!("ccs-gui: {e}");
        return ExitCode::FAILURE;
    }
    if o.screenshot.is_some() {
        let outcome = result.lock().ok().and_then(|mut r| r.take());
        match outcome {
            Some(Ok(())) => {
                println!("wrote {}", o.screenshot.as_ref().map(|p| p.display().to_string()).unwrap_or_default());
            }
            Some(Err(e)) => {
                eprintln!("ccs-gui: screenshot: {e}");
                return ExitCode::FAILURE;
            }
            None => {
                eprintln!("ccs-gui: the window closed before the screenshot was taken");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

struct Screenshot {
    out: PathBuf,
    frames: usize,
    n: usize,
    requested: bool,
    result: Arc<Mutex<Option<Result<(), String>>>>,
}

struct Window {
    app: CcsApp,
    shot: Option<Screenshot>,
}

impl eframe::App for Window {
    /// A screenshot shows the app as it is, not where the X server's pointer happens to
    /// be: no hover, no tooltip.
    fn raw_input_hook(&mut self, _ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        if self.shot.is_some() {
            raw_input.events.retain(|e| !matches!(e, egui::Event::PointerMoved(_) | egui::Event::PointerButton { .. }));
            raw_input.events.push(egui::Event::PointerGone);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.app.show(ui);
        let Some(s) = &mut self.shot else { return };
        let ctx = ui.ctx().clone();
        s.n += 1;
        if s.result.lock().is_ok_and(|r| r.is_some()) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        if s.n >= s.frames && !s.requested {
            s.requested = true;
            let (out, result, c) = (s.out.clone(), s.result.clone(), ctx.clone());
            ctx.request_screenshot(move |image| {
                let r = save_png(&out, &image);
                if let Ok(mut slot) = result.lock() {
                    *slot = Some(r);
                }
                c.request_repaint();
            });
        }
        if s.n > s.frames + 600 {
            if let Ok(mut slot) = s.result.lock() {
                *slot = Some(Err("no screenshot after 600 more frames".into()));
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        ctx.request_repaint();
    }
}

fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), String> {
    let [w, h] = image.size;
    let mut data = Vec::with_capacity(w * h * 4);
    for c in &image.pixels {
        data.extend_from_slice(&c.to_array());
    }
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), w as u32, h as u32);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&data).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())
}

/// Headless frames: the whole UI built and tessellated (everything but the GPU upload and
/// draw), with the bundled program running and every map visible.
fn bench(o: &Options, frames: usize) -> Result<(), String> {
    let ctx = egui::Context::default();
    for (label, speed) in [("x1000", Speed::X1000), ("as fast as possible", Speed::Max)] {
        let mut app = make_app(o)?;
        app.fixed_dt = Some(1.0 / 60.0);
        app.apply([RunEvent::SetSpeed(o.speed.unwrap_or(speed)), RunEvent::Run]);
        let mut total = Vec::with_capacity(frames);
        let mut emulation = Vec::with_capacity(frames);
        for i in 0..frames + 10 {
            let raw = egui::RawInput {
                screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, o.size.into())),
                time: Some(i as f64 / 60.0),
                predicted_dt: 1.0 / 60.0,
                ..Default::default()
            };
            let t = Instant::now();
            let mut out = ctx.run_ui(raw, |ui| app.show(ui));
            let prims = ctx.tessellate(std::mem::take(&mut out.shapes), out.pixels_per_point);
            // No GPU here: the texture uploads are dropped on purpose (epaint asserts in
            // debug builds that no TexturesDelta is dropped by mistake).
            out.textures_delta.clear();
            let elapsed = t.elapsed();
            std::hint::black_box(prims);
            if i >= 10 {
                total.push(elapsed);
                emulation.push(app.state.pacing.emulation_time);
            }
        }
        let ui_only: Vec<Duration> = total.iter().zip(&emulation).map(|(t, e)| t.saturating_sub(*e)).collect();
        let sim = app.state.now() as f64 / ccs_core::CYCLES_PER_SECOND as f64;
        println!(
            "{label}: {frames} frames of {}x{} with all six maps, {} (simulated {sim:.1} s)",
            o.size[0],
            o.size[1],
            app.state.program.as_ref().map_or("-", |p| p.name.as_str())
        );
        println!("  frame CPU time (UI + emulation slice): {}", stats(&total));
        println!("  UI alone (build, layout, map textures, tessellation): {}", stats(&ui_only));
        println!("  emulation slice: {}", stats(&emulation));
        if o.speed.is_some() {
            break;
        }
    }
    Ok(())
}

fn stats(v: &[Duration]) -> String {
    let mut ms: Vec<f64> = v.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let mean = ms.iter().sum::<f64>() / ms.len().max(1) as f64;
    let p99 = ms.get(((ms.len() as f64 * 0.99).ceil() as usize).saturating_sub(1)).copied().unwrap_or(0.0);
    let max = ms.last().copied().unwrap_or(0.0);
    format!("mean {mean:.2} ms, p99 {p99:.2} ms, max {max:.2} ms")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn lesson_step_and_present_give_the_state_of_that_step() {
        let o = parse_args(&args(&["--lesson", "lessons/memory-discipline.ron", "--step", "5", "--present"])).unwrap();
        let app = make_app(&o).unwrap();
        let l = app.state.lesson.as_ref().expect("the lesson is open");
        assert_eq!(l.step, 4);
        assert!(l.is_done() && l.failures().count() == 0, "{:?}", l.results);
        assert_eq!(l.current().title, "The heartbeat stops");
        assert_eq!(l.replay_summary().as_deref(), Some("steps 1\u{2013}4 OK"));
        assert_eq!(app.state.machine().craft.selections.selected(ccs_core::Unit::Aacs), 1);
        assert!(app.state.presentation());
    }

    #[test]
    fn bench_frames_run_in_a_debug_build() {
        // CI takes its screenshot with the debug binary: --bench-frames must not trip
        // epaint's debug assertions either (it once dropped the frame's texture uploads).
        let o = parse_args(&args(&["--bench-frames", "2", "--size", "800x600"])).unwrap();
        assert_eq!(o.bench, Some(2));
        bench(&o, 2).unwrap();
    }

    #[test]
    fn bad_lesson_options_are_refused_with_a_reason() {
        let e = parse_args(&args(&["--step", "2"])).err().unwrap().to_string();
        assert!(e.contains("--lesson <FILE>"), "{e}");
        assert!(parse_args(&args(&["--lesson", "x.ron", "--step", "0"])).is_err());
        assert!(parse_args(&args(&["--size", "10x10"])).err().unwrap().to_string().contains("bad width"));
        assert!(parse_args(&args(&["--speed", "x2"])).is_err());
        let help = parse_args(&args(&["--help"])).err().unwrap();
        assert!(!help.use_stderr() && help.to_string().contains("Usage: ccs-gui"), "{help}");
        let o = parse_args(&args(&["--lesson", "lessons/fault-protection.ron", "--step", "99"])).unwrap();
        let e = make_app(&o).err().unwrap();
        assert!(e.starts_with("--step 99: the lesson has"), "{e}");
        let o = parse_args(&args(&["--lesson", "tick.img"])).unwrap();
        assert!(make_app(&o).err().unwrap().contains("not a lesson"));
        let o = parse_args(&args(&["--lesson", "lessons/none.ron"])).unwrap();
        let e = make_app(&o).err().unwrap();
        assert!(e.contains("not a lesson") && e.contains("lessons/none.ron"), "{e}");
    }
}
