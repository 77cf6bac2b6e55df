//! The checks that look at every chapter, made in one visit per page: the page
//! loads cleanly, its previous/next links lead to its neighbours, its code fits,
//! its hidden lines can be shown, and in every theme its trap labels and
//! diagrams read.

use std::collections::BTreeSet;

use fantoccini::Locator;
use fantoccini::actions::{InputSource, MouseActions, PointerAction};
use serde_json::Value;

use crate::colour::{Rgba, contrast, flatten};
use crate::{Findings, Problems, Suite, THEMES, TRAP_CLASSES, pixels};

/// WCAG AA for normal text: the labels are small, so no large-text discount.
const MIN_LABEL_CONTRAST: f64 = 4.5;

/// A diagram whose background is this much lighter than the page glares in
/// a dark theme.
const MAX_PANEL_CONTRAST: f64 = 3.0;
/// A legible diagram's lettering (names, times, title) stands out from its
/// background as small text must (WCAG AA), over at least `MIN_LETTERING` of
/// its area. The book's timelines measure 0.9 to 1.3 %; the same diagram
/// with dark text on a dark page measures 0.
const LETTERING_CONTRAST: f64 = 4.5;
const MIN_LETTERING: f64 = 0.003;
/// Taller strokes than this are bars or marks, not letters.
const MAX_LETTER_HEIGHT: usize = 16;

/// Diagrams: SVG images, or SVG drawn in the page itself. Icons are smaller
/// than `MIN_DIAGRAM` pixels across and are left out.
const DIAGRAMS: &str = "main img[src$='.svg'], main svg";
const MIN_DIAGRAM: f64 = 120.0;

/// Scripts shared by the checks: a colour in any CSS syntax as `[r, g, b, a]`
/// (a canvas converts it), and the background layers behind an element.
const JS_COLOURS: &str = r#"
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    function rgba(css) {
        ctx.clearRect(0, 0, 1, 1);
        ctx.fillStyle = '#000';
        ctx.fillStyle = css;
        ctx.fillRect(0, 0, 1, 1);
        const d = ctx.getImageData(0, 0, 1, 1).data;
        return [d[0], d[1], d[2], d[3] / 255];
    }
    function backgrounds(el) {
        const layers = [];
        for (let e = el; e; e = e.parentElement) {
            const c = rgba(getComputedStyle(e).backgroundColor);
            if (c[3] > 0) layers.push(c);
            if (c[3] >= 1) break;
        }
        return layers;
    }
"#;

/// What the survey keeps between pages.
#[derive(Default)]
struct Seen {
    hidden_lines_toggled: bool,
    trap_classes: BTreeSet<&'static str>,
    diagrams: usize,
    diagram_shots: BTreeSet<&'static str>,
    label_shots: BTreeSet<&'static str>,
}

/// Visits the landing page and every written chapter once.
pub async fn survey(suite: &Suite, findings: &mut Findings) -> Result<(), String> {
    let per_page = [
        "pages_load_cleanly",
        "previous_and_next_lead_through_the_book",
        "hidden_lines_toggle",
        "trap_labels_readable_in_every_theme",
        "code_fits_its_block",
        "diagrams_legible_in_every_theme",
    ];
    if !per_page.iter().any(|c| findings.contains_key(c)) {
        return Ok(());
    }
    let pages: Vec<&str> = suite.written().map(|(_, page)| page).collect();
    let mut seen = Seen::default();
    // The landing page is the first chapter under another name.
    let mut visits = vec![("index.html", None, pages.get(1).copied())];
    for (i, page) in pages.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| pages[p]);
        visits.push((page, previous, pages.get(i + 1).copied()));
    }
    // The theme menu works; later switches go through its entries directly.
    suite.open("index.html").await?;
    suite.choose_theme_from_menu("coal").await?;
    suite.choose_theme_from_menu("light").await?;
    suite.browser.take_console().await?;
    suite.server.take_requests();
    for (page, previous, next) in visits {
        suite.open(page).await?;
        load(suite, page, findings).await?;
        neighbours(suite, page, previous, next, findings).await?;
        if page != "index.html" {
            code_fits(suite, page, findings).await?;
            hidden_lines(suite, page, &mut seen, findings).await?;
            themes(suite, page, &mut seen, findings).await?;
        }
        // Whatever the page logged or failed to fetch, until now, is its own.
        let mut problems = suite.console_errors(page).await?;
        problems.extend(suite.failed_requests(page));
        add(findings, "pages_load_cleanly", problems);
    }
    // One line for all the places that fail the same way.
    if let Some(problems) = findings.get_mut("trap_labels_readable_in_every_theme") {
        *problems = merge_places(problems, "; on ");
    }
    if let Some(problems) = findings.get_mut("diagrams_legible_in_every_theme") {
        *problems = merge_places(problems, "; in ");
    }
    if !seen.hidden_lines_toggled {
        add(
            findings,
            "hidden_lines_toggle",
            vec!["no block with hidden lines in the book".into()],
        );
    }
    if seen.diagrams == 0 {
        add(
            findings,
            "diagrams_legible_in_every_theme",
            vec!["no diagram in the book".into()],
        );
    }
    for class in TRAP_CLASSES {
        if findings.contains_key("trap_labels_readable_in_every_theme")
            && !seen.trap_classes.contains(class)
        {
            println!(
                "note: no `{class}` block in the book, so its label was not checked"
            );
        }
    }
    Ok(())
}

/// Adds problems to a check, if that check was asked for.
pub fn add(findings: &mut Findings, check: &str, problems: Problems) {
    if let Some(list) = findings.get_mut(check) {
        list.extend(problems);
    }
}

/// Merges lines `<problem><separator><place>` that differ only in their place.
fn merge_places(problems: &[String], separator: &str) -> Problems {
    let mut merged: Vec<(String, Vec<String>)> = Vec::new();
    for line in problems {
        let (problem, page) = line.rsplit_once(separator).unwrap_or((line, ""));
        match merged.iter_mut().find(|(p, _)| p == problem) {
            Some((_, pages)) if !pages.iter().any(|p| p == page) => {
                pages.push(page.into())
            }
            Some(_) => {}
            None => merged.push((problem.into(), vec![page.into()])),
        }
    }
    merged
        .into_iter()
        .map(|(p, pages)| format!("{p}{separator}{}", pages.join(", ")))
        .collect()
}

fn wants(findings: &Findings, check: &str) -> bool {
    findings.contains_key(check)
}

/// Every image decoded with a size, and the outside links noted.
pub async fn load(
    suite: &Suite,
    page: &str,
    findings: &mut Findings,
) -> Result<(), String> {
    let script = "return [
        Array.from(document.images, i =>
            [i.getAttribute('src'), i.complete, i.naturalWidth, i.naturalHeight]),
        Array.from(document.querySelectorAll('a[href]'), a => a.href)
            .concat(performance.getEntriesByType('resource').map(r => r.name))];";
    let found = suite.browser.js(script).await?;
    let mut problems = Problems::new();
    for image in found[0].as_array().into_iter().flatten() {
        let (src, complete) = (image[0].as_str().unwrap_or("?"), image[1].as_bool());
        let (w, h) = (
            image[2].as_u64().unwrap_or(0),
            image[3].as_u64().unwrap_or(0),
        );
        if complete != Some(true) || w == 0 || h == 0 {
            problems.push(format!("{page}: image {src} did not load ({w}x{h})"));
        }
    }
    let urls = found[1]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str);
    let outside = urls.filter(|u| crate::is_outside(u)).map(|u| u.to_string());
    suite.note_outside(page, outside);
    add(findings, "pages_load_cleanly", problems);
    Ok(())
}

/// The previous and next links a reader can see lead to the neighbouring
/// written chapters, and there is none before the first or after the last.
async fn neighbours(
    suite: &Suite,
    page: &str,
    previous: Option<&str>,
    next: Option<&str>,
    findings: &mut Findings,
) -> Result<(), String> {
    let check = "previous_and_next_lead_through_the_book";
    if !wants(findings, check) {
        return Ok(());
    }
    // mdBook has two sets (beside the text, or under it on narrower
    // windows); only one is on screen at a time.
    let script = "const shown = rel => Array.from(document.querySelectorAll(`a[rel~=${rel}]`))
            .filter(a => a.getClientRects().length > 0 && getComputedStyle(a).visibility === 'visible')
            .map(a => new URL(a.href).pathname.split('/').pop());
        return [shown('prev'), shown('next')];";
    let links = suite.browser.js(script).await?;
    let mut problems = Problems::new();
    for (i, (direction, want)) in [("previous", previous), ("next", next)]
        .into_iter()
        .enumerate()
    {
        let shown: Vec<&str> = links[i]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        match (want, shown.as_slice()) {
            (None, []) => {}
            (Some(want), [one]) if one == &want => {}
            (Some(want), []) => {
                problems.push(format!("{page}: no {direction} link (to {want})"))
            }
            (want, shown) => problems.push(format!(
                "{page}: {direction} links on screen {shown:?}, expected {}",
                want.unwrap_or("none")
            )),
        }
    }
    add(findings, check, problems);
    Ok(())
}

/// At the default window width no line of a block runs past its edge: a
/// reader never scrolls sideways to read code. `text` blocks quote compiler
/// diagnostics and panic messages word for word, which must not be
/// re-wrapped (the book's width check leaves them out for the same reason):
/// those that overflow are printed as notes for a person, not failed.
async fn code_fits(
    suite: &Suite,
    page: &str,
    findings: &mut Findings,
) -> Result<(), String> {
    let check = "code_fits_its_block";
    if !wants(findings, check) {
        return Ok(());
    }
    let script = "return Array.from(document.querySelectorAll('pre > code'), code => {
            const pre = code.parentElement;
            if (code.scrollWidth <= code.clientWidth + 1
                && pre.scrollWidth <= pre.clientWidth + 1) {
                return null;
            }
            const lines = code.innerText.split('\\n');
            const longest = lines.reduce((a, b) => b.length > a.length ? b : a, '');
            const kind = Array.from(code.classList).find(c => c.startsWith('language-'));
            return [kind || 'untagged', code.clientWidth, code.scrollWidth,
                    longest.length, longest];
        }).filter(x => x);";
    let overflowing = suite.browser.js(script).await?;
    let mut problems = Problems::new();
    for b in overflowing.as_array().into_iter().flatten() {
        let kind = b[0].as_str().unwrap_or("?");
        let line = format!(
            "{page}: a {kind} block {}px wide needs {}px for its longest line ({} columns): {}",
            b[1],
            b[2],
            b[3],
            b[4].as_str().unwrap_or("").trim_end()
        );
        if kind == "language-text" {
            println!("note: {line}");
        } else {
            problems.push(line);
        }
    }
    add(findings, check, problems);
    Ok(())
}

/// Every block with hidden lines has the eye button; on the first such
/// block of the book, hovering and clicking it shows the hidden lines, and a
/// second click hides them again.
async fn hidden_lines(
    suite: &Suite,
    page: &str,
    seen: &mut Seen,
    findings: &mut Findings,
) -> Result<(), String> {
    let check = "hidden_lines_toggle";
    if !wants(findings, check) {
        return Ok(());
    }
    let eye =
        "pre:has(> code .boring) > .buttons > button[title='Show hidden lines']";
    let counts = suite
        .browser
        .js(&format!(
            "return [document.querySelectorAll('pre:has(> code .boring)').length,
                     document.querySelectorAll(\"{eye}\").length];"
        ))
        .await?;
    let mut problems = Problems::new();
    if counts[0] != counts[1] {
        problems.push(format!(
            "{page}: {} blocks with hidden lines, {} eye buttons",
            counts[0], counts[1]
        ));
    }
    if seen.hidden_lines_toggled || counts[0] == 0 {
        add(findings, check, problems);
        return Ok(());
    }
    seen.hidden_lines_toggled = true;
    // How many hidden lines of that block are on screen.
    let shown = "return Array.from(document.querySelector('pre:has(> code .boring)')
            .querySelectorAll('code .boring')).filter(b => b.getClientRects().length > 0).length;";
    let client = &suite.browser.client;
    let pre = client
        .find(Locator::Css("pre:has(> code .boring)"))
        .await
        .map_err(|e| e.to_string())?;
    // The buttons appear when the pointer is over the block.
    let hover =
        MouseActions::new("mouse".into()).then(PointerAction::MoveToElement {
            element: pre,
            duration: None,
            x: 0.0,
            y: 0.0,
        });
    client
        .perform_actions(hover)
        .await
        .map_err(|e| format!("hovering a block: {e}"))?;
    let button = client
        .find(Locator::Css(eye))
        .await
        .map_err(|e| e.to_string())?;
    let before = suite.browser.js(shown).await?;
    button
        .click()
        .await
        .map_err(|e| format!("{page}: the eye button: {e}"))?;
    let after = suite.browser.js(shown).await?;
    button
        .click()
        .await
        .map_err(|e| format!("{page}: the eye button: {e}"))?;
    let again = suite.browser.js(shown).await?;
    if before != 0 || after.as_u64().unwrap_or(0) == 0 || again != 0 {
        problems.push(format!(
            "{page}: hidden lines on screen before, after one click, after two: {before}, {after}, {again}"
        ));
    }
    add(findings, check, problems);
    Ok(())
}

/// In each theme, chosen from the menu: trap labels and diagrams.
async fn themes(
    suite: &Suite,
    page: &str,
    seen: &mut Seen,
    findings: &mut Findings,
) -> Result<(), String> {
    let labels = wants(findings, "trap_labels_readable_in_every_theme");
    let diagrams = wants(findings, "diagrams_legible_in_every_theme");
    let selector = TRAP_CLASSES
        .map(|c| format!("pre:has(> code.{c})"))
        .join(", ");
    let count = format!(
        "return [document.querySelectorAll('{selector}').length,
                 Array.from(document.querySelectorAll(\"{DIAGRAMS}\"))
                     .filter(d => d.getBoundingClientRect().width >= {MIN_DIAGRAM}).length];"
    );
    let counts = suite.browser.js(&count).await?;
    let has_traps = labels && counts[0].as_u64().unwrap_or(0) > 0;
    let has_diagrams = diagrams && counts[1].as_u64().unwrap_or(0) > 0;
    if !has_traps && !has_diagrams {
        return Ok(());
    }
    for theme in THEMES {
        suite.switch_theme(theme).await?;
        if has_traps {
            let problems = trap_labels(suite, page, theme, &selector, seen).await?;
            add(findings, "trap_labels_readable_in_every_theme", problems);
        }
        if has_diagrams {
            let problems = diagrams_read(suite, page, theme, seen).await?;
            add(findings, "diagrams_legible_in_every_theme", problems);
        }
    }
    suite.switch_theme("light").await
}

/// Every block that is wrong on purpose shows its label, and the label
/// reads against the block's background. One screenshot per theme of the
/// first such block is kept for a person to look at.
async fn trap_labels(
    suite: &Suite,
    page: &str,
    theme: &'static str,
    selector: &str,
    seen: &mut Seen,
) -> Result<Problems, String> {
    // The first labelled block of the book, kept per theme for a person.
    if seen.label_shots.insert(theme) {
        let show = format!(
            "document.querySelector('{selector}').scrollIntoView({{ block: 'center' }});"
        );
        suite.browser.js(&show).await?;
        let shot = suite
            .browser
            .client
            .screenshot()
            .await
            .map_err(|e| format!("screenshot: {e}"))?;
        let file = suite.out.join(format!("label-{theme}.png"));
        std::fs::write(&file, &shot)
            .map_err(|e| format!("{}: {e}", file.display()))?;
    }
    let script = format!(
        "{JS_COLOURS}
        return Array.from(document.querySelectorAll('{selector}'), pre => {{
            const label = getComputedStyle(pre, '::before');
            const code = pre.querySelector(':scope > code');
            return [Array.from(code.classList).join(' '), label.content, label.display,
                    label.visibility, parseFloat(label.fontSize), rgba(label.color),
                    backgrounds(pre)];
        }});"
    );
    let blocks = suite.browser.js(&script).await?;
    let mut problems = Problems::new();
    for (i, block) in blocks.as_array().into_iter().flatten().enumerate() {
        let classes = block[0].as_str().unwrap_or("");
        let class = TRAP_CLASSES
            .into_iter()
            .find(|c| classes.split(' ').any(|w| w == *c));
        seen.trap_classes.extend(class);
        let at = format!(
            "{theme}: `{}` block {} of {page}",
            class.unwrap_or("?"),
            i + 1
        );
        let content = block[1].as_str().unwrap_or("none");
        if matches!(content, "none" | "normal" | "\"\"")
            || block[2] == "none"
            || block[3] != "visible"
        {
            problems.push(format!("{at}: no label shown"));
            continue;
        }
        if block[4].as_f64().unwrap_or(0.0) < 9.0 {
            problems.push(format!(
                "{at}: label font {}px is too small to read",
                block[4]
            ));
        }
        // The label sits on the <pre>, above the code: the pre's background
        // is what it is read against.
        let layers: Vec<Rgba> = block[6]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Rgba::from_json)
            .collect();
        let background = flatten(&layers);
        let Some(ink) = Rgba::from_json(&block[5]) else {
            problems.push(format!("{at}: label colour unreadable: {}", block[5]));
            continue;
        };
        let ink = ink.over(background);
        let ratio = contrast(ink, background);
        if ratio < MIN_LABEL_CONTRAST {
            // One line for all the blocks that fail the same way.
            problems.push(format!(
                "{theme}: `{}` label {} on {} has contrast {ratio:.2}:1, under \
                 {MIN_LABEL_CONTRAST}:1; on {page}",
                class.unwrap_or("?"),
                ink.css(),
                background.css()
            ));
        }
    }
    Ok(problems)
}

/// Each diagram on screen is looked at as pixels: it must not sit on a
/// panel that glares against the page, and its lettering must read against
/// its background. The first diagram of the book is kept as a screenshot
/// per theme for a person to look at.
async fn diagrams_read(
    suite: &Suite,
    page: &str,
    theme: &'static str,
    seen: &mut Seen,
) -> Result<Problems, String> {
    let page_colour =
        format!("{JS_COLOURS} return backgrounds(document.querySelector('main'));");
    let layers = suite.browser.js(&page_colour).await?;
    let layers: Vec<Rgba> = layers
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Rgba::from_json)
        .collect();
    let page_colour = flatten(&layers);
    let images = suite.browser.client.find_all(Locator::Css(DIAGRAMS)).await;
    let images = images.map_err(|e| e.to_string())?;
    let mut problems = Problems::new();
    for (i, image) in images.iter().enumerate() {
        // Bring it to the middle of the window, as a reader scrolls to it.
        let place = format!(
            "const d = document.querySelectorAll(\"{DIAGRAMS}\")[{i}];
             d.scrollIntoView({{ block: 'center' }});
             const r = d.getBoundingClientRect();
             return [d.getAttribute('src') || `inline svg ${{{i} + 1}}`, r.width, r.height];"
        );
        let at = suite.browser.js(&place).await?;
        let src = at[0].as_str().unwrap_or("?").to_string();
        let (width, height) =
            (at[1].as_f64().unwrap_or(0.0), at[2].as_f64().unwrap_or(0.0));
        if width < MIN_DIAGRAM || height < 1.0 {
            // An icon, or inside a closed <details>: not on screen until opened.
            continue;
        }
        seen.diagrams += 1;
        // The whole window, once per theme, for a person to look at.
        if seen.diagram_shots.insert(theme) {
            let shot = suite.browser.client.screenshot().await;
            let shot = shot.map_err(|e| format!("screenshot: {e}"))?;
            let file = suite.out.join(format!("diagram-{theme}.png"));
            std::fs::write(&file, &shot)
                .map_err(|e| format!("{}: {e}", file.display()))?;
        }
        // Only the diagram's own pixels, as the window shows them.
        let shot = image
            .screenshot()
            .await
            .map_err(|e| format!("{src}: screenshot: {e}"))?;
        let picture = pixels::decode(&shot)?;
        let background = picture.dominant();
        let at = format!("{page}, {src}");
        let glare = contrast(background, page_colour);
        if background.luminance() > page_colour.luminance()
            && glare > MAX_PANEL_CONTRAST
        {
            problems.push(format!(
                "{at}: sits on a {} panel that glares against the page; in {theme} \
                 ({glare:.1}:1 lighter than {})",
                background.css(),
                page_colour.css()
            ));
        }
        let lettering =
            picture.lettering(background, LETTERING_CONTRAST, MAX_LETTER_HEIGHT);
        if lettering < MIN_LETTERING {
            problems.push(format!(
                "{at}: its lettering does not read {LETTERING_CONTRAST}:1 against its \
                 background; in {theme} ({:.2}% of it on {})",
                lettering * 100.0,
                background.css()
            ));
        }
    }
    Ok(problems)
}
