//! Present mode's layout, checked on what egui actually paints (headless, no GPU): in every
//! step of every bundled lesson and in the key views, at 1600x1000 and at 1280x720, every
//! text is at least 18 px, no text is cut by the edge of its panel (left, right or top: a
//! scrolled list may continue below its bottom edge), and no two texts overlap.

use ccs_gui::state::{SideTab, View};
use ccs_gui::ui::style::PRESENT_MIN_TEXT_PX;
use ccs_gui::{AppState, CcsApp};
use ccs_gui::{FileEvent, LessonEvent, ViewEvent};
use egui::epaint::{ClippedShape, Shape};
use egui::{FullOutput, Rect};
use egui_kittest::Harness;

/// A text as painted: where, cut to what, its smallest font, and what it says.
struct Painted {
    rect: Rect,
    clip: Rect,
    min_px: f32,
    text: String,
}

fn painted(output: &FullOutput) -> Vec<Painted> {
    fn walk(shape: &Shape, clip: Rect, ppp: f32, out: &mut Vec<Painted>) {
        match shape {
            Shape::Vec(v) => v.iter().for_each(|s| walk(s, clip, ppp, out)),
            Shape::Text(t) if !t.galley.text().trim().is_empty() => {
                let min = t.galley.job.sections.iter().map(|s| s.format.font_id.size).fold(f32::INFINITY, f32::min);
                // Row by row: a galley's rect spans from the left edge of a label wrapped
                // after other widgets in a row, over them.
                for row in &t.galley.rows {
                    let text: String = row.row.glyphs.iter().map(|g| g.chr).collect();
                    if text.trim().is_empty() {
                        continue;
                    }
                    let rect = row.rect_without_leading_space().translate(t.pos.to_vec2());
                    out.push(Painted { rect, clip, min_px: min * ppp, text });
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for ClippedShape { clip_rect, shape, .. } in &output.shapes {
        walk(shape, *clip_rect, output.pixels_per_point, &mut out);
    }
    out
}

/// What is wrong with the painted texts of one frame.
fn problems(output: &FullOutput) -> Vec<String> {
    const SLACK: f32 = 1.5;
    let ppp = output.pixels_per_point;
    let texts = painted(output);
    let mut found = Vec::new();
    let visible: Vec<&Painted> = texts.iter().filter(|t| t.clip.intersects(t.rect)).collect();
    for t in &visible {
        if t.min_px < PRESENT_MIN_TEXT_PX - 0.01 {
            found.push(format!("{:.1} px text: {:?}", t.min_px, t.text));
        }
        let (r, c) = (t.rect, t.clip);
        let cut_left = r.left() < c.left() - SLACK / ppp;
        let cut_right = r.right() > c.right() + SLACK / ppp;
        let cut_top = r.top() < c.top() - SLACK / ppp;
        if cut_left || cut_right || cut_top {
            found.push(format!("text cut by its panel's edge ({r:?} in {c:?}): {:?}", t.text));
        }
    }
    for (i, a) in visible.iter().enumerate() {
        for b in &visible[i + 1..] {
            let both = a.rect.intersect(a.clip).intersect(b.rect.intersect(b.clip));
            if both.is_positive() && both.width() > SLACK && both.height() > SLACK {
                found.push(format!("texts overlap: {:?} and {:?}", a.text, b.text));
            }
        }
    }
    found
}

fn present_app(size: [f32; 2]) -> Harness<'static, CcsApp> {
    let mut app = CcsApp::new(AppState::with_default_program());
    app.fixed_dt = Some(1.0 / 60.0);
    app.apply([ViewEvent::SetPresentation(true)]);
    Harness::builder().with_size(size).build_ui_state(|ui, app: &mut CcsApp| app.show(ui), app)
}

fn check(h: &mut Harness<'static, CcsApp>, size: [f32; 2], what: &str, all: &mut Vec<String>) {
    // A few frames: panels settle their sizes in the first.
    h.run_steps(3);
    all.extend(problems(h.output()).into_iter().map(|p| format!("{}x{} {what}: {p}", size[0], size[1])));
}

const SIZES: [[f32; 2]; 2] = [[1600.0, 1000.0], [1280.0, 720.0]];

#[test]
fn present_mode_texts_are_large_uncut_and_apart_in_the_key_views() {
    let mut all = Vec::new();
    for size in SIZES {
        let mut h = present_app(size);
        for tab in [SideTab::Inspector, SideTab::Budget, SideTab::Faults, SideTab::Program] {
            h.state_mut().apply([
                ViewEvent::SetSideTab(tab),
                ViewEvent::Select(Some((ccs_core::MemoryId::Ccs(ccs_core::ProcId::A), 0o61))),
            ]);
            check(&mut h, size, &format!("memory map, {tab:?} tab"), &mut all);
        }
        h.state_mut().apply([ViewEvent::SetView(View::TwoMachines)]);
        check(&mut h, size, "two machines", &mut all);
    }
    assert!(all.is_empty(), "{} problem(s):\n{}", all.len(), all.join("\n"));
}

#[test]
fn present_mode_texts_are_large_uncut_and_apart_in_every_lesson_step() {
    let mut all = Vec::new();
    for lesson in ccs_programs::lessons() {
        // Find the leak records two Node servers live: its steps are walked in order
        // (Next, then Finish now), so each recording is made once per size; Go would
        // record every earlier step again.
        let in_order = lesson.path.ends_with("find-the-leak.ron");
        for size in SIZES {
            let mut h = present_app(size);
            h.state_mut().apply([FileEvent::LoadBundled(lesson.path)]);
            let steps = h.state().state.lesson.as_ref().map_or(0, |l| l.lesson.steps.len());
            assert!(steps > 0, "{} did not open", lesson.path);
            for step in 0..steps {
                if !in_order {
                    h.state_mut().apply([LessonEvent::Go(step)]);
                } else if step > 0 {
                    h.state_mut().apply([LessonEvent::Next, LessonEvent::FinishNow]);
                }
                if in_order {
                    let l = h.state().state.lesson.as_ref().unwrap();
                    assert_eq!(l.failures().count(), 0, "{} step {}: {:?}", lesson.path, step + 1, l.results);
                }
                check(&mut h, size, &format!("{} step {}", lesson.path, step + 1), &mut all);
            }
        }
    }
    assert!(all.is_empty(), "{} problem(s):\n{}", all.len(), all.join("\n"));
}

#[test]
fn the_check_finds_small_text_cut_text_and_overlapping_text() {
    // The check itself: a frame with each defect must be reported.
    let mut h = Harness::builder().with_size([400.0, 300.0]).build_ui(|ui| {
        ui.label(egui::RichText::new("tiny").size(9.0));
        let (rect, _) = ui.allocate_exact_size(egui::vec2(60.0, 30.0), egui::Sense::hover());
        let p = ui.painter_at(rect);
        let font = egui::FontId::proportional(20.0);
        p.text(
            rect.left_top(),
            egui::Align2::LEFT_TOP,
            "cut off at the right edge",
            font.clone(),
            egui::Color32::WHITE,
        );
        ui.painter().text(egui::pos2(200.0, 200.0), egui::Align2::LEFT_TOP, "one", font.clone(), egui::Color32::WHITE);
        ui.painter().text(egui::pos2(210.0, 205.0), egui::Align2::LEFT_TOP, "two", font, egui::Color32::WHITE);
    });
    h.run_steps(2);
    let p = problems(h.output());
    assert!(p.iter().any(|p| p.contains("px text: \"tiny\"")), "{p:?}");
    assert!(p.iter().any(|p| p.contains("cut by its panel's edge") && p.contains("cut off")), "{p:?}");
    assert!(p.iter().any(|p| p.contains("overlap") && p.contains("\"one\"")), "{p:?}");
}
