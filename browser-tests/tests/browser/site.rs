//! The checks of the book as a whole: the sidebar, walking with previous and
//! next, search, and the print view.

use fantoccini::Locator;
use serde_json::Value;

use crate::pages::{add, load};
use crate::{Findings, KEY_TERMS, Problems, Suite};

pub async fn check(suite: &Suite, findings: &mut Findings) -> Result<(), String> {
    if findings.contains_key("sidebar_lists_chapters_and_drafts") {
        let problems = sidebar(suite).await?;
        add(findings, "sidebar_lists_chapters_and_drafts", problems);
    }
    if findings.contains_key("previous_and_next_lead_through_the_book") {
        let problems = click_next_and_previous(suite).await?;
        add(
            findings,
            "previous_and_next_lead_through_the_book",
            problems,
        );
    }
    if findings.contains_key("search_finds_key_terms") {
        let problems = search(suite).await?;
        add(findings, "search_finds_key_terms", problems);
    }
    if findings.contains_key("print_view_holds_every_chapter") {
        print_view(suite, findings).await?;
    }
    Ok(())
}

/// The sidebar lists SUMMARY.md in order: a link for each written chapter,
/// and each draft as text a reader can tell from a link.
async fn sidebar(suite: &Suite) -> Result<Problems, String> {
    suite.open("index.html").await?;
    let script = "return Array.from(
        document.querySelectorAll('#mdbook-sidebar li.chapter-item > .chapter-link-wrapper'),
        w => {
            const a = w.querySelector(':scope > a[href]');
            const label = a || w.firstElementChild;
            const r = label.getBoundingClientRect();
            return [w.textContent.trim(), a && a.getAttribute('href'),
                    getComputedStyle(label).color, r.width > 0 && r.height > 0];
        });";
    let items = suite.browser.js(script).await?;
    let items = items.as_array().cloned().unwrap_or_default();
    let mut problems = Problems::new();
    if items.len() != suite.chapters.len() {
        problems.push(format!(
            "the sidebar has {} entries, SUMMARY.md {}",
            items.len(),
            suite.chapters.len()
        ));
    }
    let link_colour = items
        .iter()
        .find(|i| i[1].is_string())
        .map(|i| i[2].clone());
    for (chapter, item) in suite.chapters.iter().zip(&items) {
        let text = item[0].as_str().unwrap_or("");
        if !text.ends_with(&chapter.title) {
            problems.push(format!(
                "sidebar entry `{text}` where SUMMARY.md has `{}`",
                chapter.title
            ));
            continue;
        }
        if item[3] != Value::Bool(true) {
            problems.push(format!("sidebar entry `{text}` is not on screen"));
        }
        match (&chapter.page, item[1].as_str()) {
            (Some(page), Some(href)) if href.trim_start_matches("./") == page => {}
            (Some(page), href) => problems
                .push(format!("`{text}` should link to {page}, links to {href:?}")),
            (None, Some(href)) => {
                problems.push(format!("draft `{text}` links to {href}"))
            }
            (None, None) if Some(&item[2]) == link_colour.as_ref() => problems.push(
                format!("draft `{text}` has the colour of a link ({})", item[2]),
            ),
            (None, None) => {}
        }
    }
    Ok(problems)
}

/// On the first chapter, clicking "next" opens the second, and "previous"
/// there comes back. (Every page's links were checked in the survey.)
async fn click_next_and_previous(suite: &Suite) -> Result<Problems, String> {
    let pages: Vec<&str> = suite.written().map(|(_, page)| page).collect();
    let mut problems = Problems::new();
    let [first, second, ..] = pages[..] else {
        return Ok(problems);
    };
    suite.open(first).await?;
    for (rel, from, to) in [("next", first, second), ("prev", second, first)] {
        let links = suite
            .browser
            .client
            .find_all(Locator::Css(&format!("a[rel~={rel}]")))
            .await;
        let mut clicked = false;
        for link in links.map_err(|e| e.to_string())? {
            if link.is_displayed().await.unwrap_or(false) {
                link.click()
                    .await
                    .map_err(|e| format!("{from}: clicking {rel}: {e}"))?;
                clicked = true;
                break;
            }
        }
        let landed = format!("location.pathname.endsWith('/{to}')");
        if !clicked {
            problems.push(format!("{from}: no {rel} link on screen"));
            break;
        } else if let Err(e) = suite
            .wait_until(&landed, &format!("{rel} from {from}"))
            .await
        {
            problems.push(e);
            break;
        }
        suite
            .wait_until("document.readyState === 'complete'", to)
            .await?;
    }
    Ok(problems)
}

/// Each key term, typed into the search box, brings up the chapter that
/// teaches it.
async fn search(suite: &Suite) -> Result<Problems, String> {
    suite.open("index.html").await?;
    suite.browser.take_console().await?;
    suite.server.take_requests();
    let client = &suite.browser.client;
    let toggle = client
        .find(Locator::Id("mdbook-search-toggle"))
        .await
        .map_err(|e| e.to_string())?;
    toggle
        .click()
        .await
        .map_err(|e| format!("the search button: {e}"))?;
    let input = client
        .find(Locator::Id("mdbook-searchbar"))
        .await
        .map_err(|e| e.to_string())?;
    let mut problems = Problems::new();
    for (term, page) in KEY_TERMS {
        input.clear().await.map_err(|e| e.to_string())?;
        input
            .send_keys(term)
            .await
            .map_err(|e| format!("typing `{term}`: {e}"))?;
        let found = format!(
            "Array.from(document.querySelectorAll('#mdbook-searchresults a'))
                .some(a => new URL(a.href).pathname.endsWith('/{page}'))"
        );
        if suite.wait_until(&found, term).await.is_err() {
            let shown = suite
                .browser
                .js("return Array.from(document.querySelectorAll('#mdbook-searchresults a'),
                    a => new URL(a.href).pathname.split('/').pop());")
                .await?;
            problems.push(format!(
                "`{term}` does not bring up {page}; it brings up {shown}"
            ));
        }
    }
    problems.extend(suite.console_errors("search").await?);
    problems.extend(suite.failed_requests("search"));
    Ok(problems)
}

/// print.html loads cleanly and holds every written chapter, in the order
/// of SUMMARY.md.
async fn print_view(suite: &Suite, findings: &mut Findings) -> Result<(), String> {
    let check = "print_view_holds_every_chapter";
    suite.browser.take_console().await?;
    suite.server.take_requests();
    suite.open("print.html").await?;
    load(suite, "print.html", findings).await?;
    let mut problems = suite.console_errors("print.html").await?;
    problems.extend(suite.failed_requests("print.html"));
    let headings = suite
        .browser
        .js("return Array.from(document.querySelectorAll('main h1'), h => h.textContent.trim());")
        .await?;
    let headings: Vec<&str> = headings
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut from = 0;
    for (chapter, page) in suite.written() {
        let Some(heading) = &chapter.heading else {
            problems.push(format!("{page} has no `# ` heading to find it by"));
            continue;
        };
        match headings[from..].iter().position(|h| h == heading) {
            Some(i) => from += i + 1,
            None if headings.contains(&heading.as_str()) => problems
                .push(format!("print.html has `{heading}` ({page}) out of order")),
            None => problems.push(format!("print.html lacks `{heading}` ({page})")),
        }
    }
    add(findings, check, problems);
    Ok(())
}
