//! `ccs-gui`: the desktop app.
//!
//! ```text
//! ccs-gui [FILE...]                      open files (sources, images, scripts, maps, lessons, timelines)
//! ccs-gui --lesson FILE [--step N]       open a lesson (lessons/memory-discipline.ron) at step N
//! ccs-gui --screenshot OUT.png --frames N   render N frames in a real window, save a screenshot, exit
//! ccs-gui --bench-frames N               headless: N frames with every map visible, print frame CPU times
//!   --size WxH  --view map|node  --speed x1|x10|x1000|max  --run  --theme dark|light  --present
//! ```

use ccs_gui::state::{Speed, Theme, View};
use ccs_gui::{AppState, CcsApp, UiEvent};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const USAGE: &str = "usage: ccs-gui [FILE...] [--lesson FILE [--step N]] [--present]
               [--screenshot OUT.png --frames N] [--bench-frames N]
               [--size WxH] [--view map|node] [--speed x1|x10|x1000|max] [--run] [--theme dark|light]
  FILE        a source (.asm), image (.img), event script, scenario, map or lesson (.ron, .json),
              Node timeline (.jsonl) or recording folder; a path below programs/ that is not
              on disk is the bundled file (scenarios/cruise-week.ron, lessons/memory-discipline.ron)
  --lesson    open a lesson; --step N shows its step N (from 1) as a run through the lesson
              leaves it: the actions of steps 1 to N performed in order, at once
  --present   large fonts for a projector (View > Presentation, F5)";

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

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        files: Vec::new(),
        screenshot: None,
        frames: 60,
        bench: None,
        size: [1600.0, 1000.0],
        view: None,
        speed: None,
        run: false,
        theme: Theme::Dark,
        lesson: None,
        step: None,
        present: false,
    };
    let mut it = args.iter();
    let number = |v: Option<&String>, what: &str| -> Result<usize, String> {
        let v = v.ok_or_else(|| format!("{what} needs a number"))?;
        v.parse().map_err(|_| format!("{what}: {v:?} is not a number"))
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--screenshot" => o.screenshot = Some(it.next().ok_or("--screenshot needs a file name")?.into()),
            "--frames" => o.frames = number(it.next(), "--frames")?.max(1),
            "--bench-frames" => o.bench = Some(number(it.next(), "--bench-frames")?.max(1)),
            "--size" => {
                let v = it.next().ok_or("--size needs WxH")?;
                let (w, h) = v.split_once('x').ok_or_else(|| format!("--size: {v:?} is not WxH"))?;
                let p = |s: &str| s.parse::<f32>().ok().filter(|x| (200.0..=8000.0).contains(x));
                o.size = [p(w).ok_or("--size: bad width")?, p(h).ok_or("--size: bad height")?];
            }
            "--view" => {
                o.view = match it.next().map(String::as_str) {
                    Some("map") => Some(View::MemoryMap),
                    Some("node") => Some(View::TwoMachines),
                    other => return Err(format!("--view: {other:?} is not map or node")),
                }
            }
            "--speed" => {
                let v = it.next().map(String::as_str);
                o.speed = Some(
                    Speed::ALL
                        .into_iter()
                        .find(|s| Some(s.label()) == v)
                        .ok_or_else(|| format!("--speed: {v:?} is not x1, x10, x1000 or max"))?,
                );
            }
            "--run" => o.run = true,
            "--lesson" => o.lesson = Some(it.next().ok_or("--lesson needs a lesson file")?.into()),
            "--step" => {
                let n = number(it.next(), "--step")?;
                if n == 0 {
                    return Err("--step counts from 1".into());
                }
                o.step = Some(n);
            }
            "--present" => o.present = true,
            "--theme" => {
                o.theme = match it.next().map(String::as_str) {
                    Some("dark") => Theme::Dark,
                    Some("light") => Theme::Light,
                    other => return Err(format!("--theme: {other:?} is not dark or light")),
                }
            }
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            file => o.files.push(file.into()),
        }
    }
    if o.step.is_some() && o.lesson.is_none() {
        return Err("--step needs --lesson FILE".into());
    }
    Ok(o)
}

/// The app as the options ask. A lesson comes after the files and the view and speed
/// options, so that the state its step expects is the one shown.
fn make_app(o: &Options) -> Result<CcsApp, String> {
    let mut app = CcsApp::new(AppState::with_default_program());
    let mut events: Vec<UiEvent> = o.files.iter().map(|f| UiEvent::OpenPath(f.clone())).collect();
    events.extend(o.view.map(UiEvent::SetView));
    events.push(UiEvent::SetTheme(o.theme));
    events.extend(o.speed.map(UiEvent::SetSpeed));
    events.push(UiEvent::SetPresentation(o.present));
    app.apply(events);
    if let Some(path) = &o.lesson {
        app.apply([UiEvent::OpenPath(path.clone())]);
        let Some(steps) = app.state.lesson.as_ref().map(|l| l.lesson.steps.len()) else {
            let why = app.state.diagnostics.last().map_or(String::new(), |d| format!(":\n{}", d.text));
            return Err(format!("--lesson {}: not a lesson{why}", path.display()));
        };
        if let Some(n) = o.step {
            if n > steps {
                return Err(format!("--step {n}: the lesson has {steps} steps"));
            }
            app.apply([UiEvent::LessonGo(n - 1)]);
        }
    }
    if o.run {
        app.apply([UiEvent::Run]);
    }
    Ok(app)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let o = match parse_args(&args) {
        Ok(o) => o,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("ccs-gui: {e}");
            }
            eprintln!("{USAGE}");
            return if e.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) };
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
        app.apply([UiEvent::SetSpeed(o.speed.unwrap_or(speed)), UiEvent::Run]);
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
            let out = ctx.run_ui(raw, |ui| app.show(ui));
            let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
            let elapsed = t.elapsed();
            std::hint::black_box(prims);
            if i >= 10 {
                total.push(elapsed);
                emulation.push(app.state.emulation_time);
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
        assert_eq!(app.state.machine.craft.selections.selected(ccs_core::Unit::Aacs), 1);
        assert!(app.state.presentation());
    }

    #[test]
    fn bad_lesson_options_are_refused_with_a_reason() {
        assert_eq!(parse_args(&args(&["--step", "2"])).err().as_deref(), Some("--step needs --lesson FILE"));
        assert!(parse_args(&args(&["--lesson", "x.ron", "--step", "0"])).is_err());
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
