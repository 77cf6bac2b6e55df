//! The course appendix (`src/teaching.md`) agrees with the book:
//!
//! - each schedule's minutes add up to the length its heading states
//!   ("## One day (6 h 30 min of teaching)"), counting every table below the
//!   heading down to the next heading of the same or a higher level;
//! - where a schedule has a `starts` column, each row starts when the row
//!   before it ends (breaks are rows with a start time that do not count as
//!   teaching);
//! - every row of a schedule links somewhere (the `links` check resolves it),
//!   and an exercise row gets exactly the minutes the exercise index gives it;
//! - the exercise index holds every `listings/src/<chapter>/exercise.rs`, once,
//!   with the command its chapter gives, a time and a difficulty;
//! - every written chapter has speaker notes that name what to draw, the
//!   question asked most, a live demonstration that exists (a registered
//!   program of that chapter, or a test filter naming a listing file) and a
//!   time, the one a schedule gives the chapter's talk.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::book;

const APPENDIX: &str = "teaching.md";

fn appendix() -> String {
    book::expanded(Path::new(APPENDIX)).text
}

/// A heading: its level, its text and its line index.
struct Heading {
    level: usize,
    text: String,
    line: usize,
}

fn headings(lines: &[&str]) -> Vec<Heading> {
    lines
        .iter()
        .enumerate()
        .filter_map(|(line, text)| {
            let level = text.chars().take_while(|&c| c == '#').count();
            let rest = &text[level..];
            (level > 0 && rest.starts_with(' ')).then(|| Heading {
                level,
                text: rest.trim().to_string(),
                line,
            })
        })
        .collect()
}

/// "(6 h 30 min of teaching)" in a heading, as minutes.
fn stated_minutes(heading: &str) -> Option<u32> {
    let open = heading.find('(')?;
    let inside = heading[open + 1..].strip_suffix(" of teaching)")?;
    let words: Vec<&str> = inside.split_whitespace().collect();
    let mut minutes = 0;
    for pair in words.chunks(2) {
        let [number, unit] = pair else {
            panic!("cannot read the length in heading {heading:?}");
        };
        let number: u32 = number
            .parse()
            .unwrap_or_else(|_| panic!("not a number in heading {heading:?}"));
        minutes += match *unit {
            "h" => number * 60,
            "min" => number,
            other => panic!("unknown unit {other:?} in heading {heading:?}"),
        };
    }
    Some(minutes)
}

/// "09:40" as minutes after midnight.
fn clock_minutes(text: &str) -> u32 {
    let parsed = text.split_once(':').and_then(|(hours, minutes)| {
        Some(hours.parse::<u32>().ok()? * 60 + minutes.parse::<u32>().ok()?)
    });
    parsed.unwrap_or_else(|| panic!("{APPENDIX}: {text:?} is not a time like 09:40"))
}

fn clock_text(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The cells of a table row, or `None` for a line that is not a row.
fn cells(line: &str) -> Option<Vec<String>> {
    let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
    Some(
        inner
            .split('|')
            .map(|cell| cell.trim().to_string())
            .collect(),
    )
}

/// The tables in `lines`: each a header and its rows of cells.
fn tables(lines: &[&str]) -> Vec<(Vec<String>, Vec<Vec<String>>)> {
    let mut found = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let header = cells(lines[index]);
        let separator = lines.get(index + 1).and_then(|line| cells(line));
        match (header, separator) {
            (Some(header), Some(separator))
                if separator.iter().all(|cell| cell.starts_with("---")) =>
            {
                let mut rows = Vec::new();
                index += 2;
                while let Some(row) = lines.get(index).and_then(|line| cells(line)) {
                    assert_eq!(
                        row.len(),
                        header.len(),
                        "{APPENDIX}: a row with {} cells under a header of {}: {:?}",
                        row.len(),
                        header.len(),
                        lines[index]
                    );
                    rows.push(row);
                    index += 1;
                }
                found.push((header, rows));
            }
            _ => index += 1,
        }
    }
    found
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|cell| cell == name)
        .unwrap_or_else(|| panic!("{APPENDIX}: a table has no {name:?} column"))
}

/// The targets of the Markdown links in `text`.
fn link_targets(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("](") {
        rest = &rest[open + 2..];
        if let Some(close) = rest.find(')') {
            targets.push(rest[..close].to_string());
            rest = &rest[close..];
        }
    }
    targets
}

/// The section under the heading whose text is `title`: the lines down to the
/// next heading of the same or a higher level.
fn section<'a>(lines: &[&'a str], title: &str) -> Vec<&'a str> {
    let all = headings(lines);
    let start = all
        .iter()
        .position(|heading| heading.text == title)
        .unwrap_or_else(|| panic!("{APPENDIX}: no heading {title:?}"));
    let end = all[start + 1..]
        .iter()
        .find(|heading| heading.level <= all[start].level)
        .map_or(lines.len(), |heading| heading.line);
    lines[all[start].line + 1..end].to_vec()
}

/// The exercise index: chapter module (`why_async`) to (chapter file, minutes).
fn exercise_index(lines: &[&str]) -> BTreeMap<String, (String, u32)> {
    let index = section(lines, "Exercise index");
    let tables = tables(&index);
    assert_eq!(
        tables.len(),
        1,
        "{APPENDIX}: the exercise index is one table"
    );
    let (header, rows) = &tables[0];
    let (chapter, command, minutes, difficulty) = (
        column(header, "chapter"),
        column(header, "command"),
        column(header, "minutes"),
        column(header, "difficulty"),
    );
    let mut found = BTreeMap::new();
    for row in rows {
        let command = row[command].trim_matches('`');
        let module = command
            .strip_prefix("cargo test -p listings --lib --features attempt ")
            .and_then(|filter| filter.strip_suffix("::exercise"))
            .unwrap_or_else(|| {
                panic!("{APPENDIX}: not an exercise command: {command:?}")
            });
        let file = link_targets(&row[chapter])
            .first()
            .cloned()
            .unwrap_or_else(|| panic!("{APPENDIX}: no chapter link for {module}"));
        let chapter_text = book::expanded(Path::new(&file)).text;
        let exercise_section = chapter_text
            .split_once("\n## Exercise")
            .map(|(_, rest)| rest)
            .unwrap_or_else(|| panic!("{file} has no `## Exercise` heading"));
        assert!(
            exercise_section.contains(command),
            "{file}'s exercise does not give the command {command:?}"
        );
        let minutes: u32 = row[minutes].parse().unwrap_or_else(|_| {
            panic!("{APPENDIX}: {module}'s minutes are not a number")
        });
        assert!(
            ["easy", "medium", "hard"].contains(&row[difficulty].as_str()),
            "{APPENDIX}: {module}'s difficulty {:?} is not easy, medium or hard",
            row[difficulty]
        );
        let previous = found.insert(module.to_string(), (file, minutes));
        assert!(previous.is_none(), "{APPENDIX}: {module} is indexed twice");
    }
    found
}

#[test]
fn schedules_add_up_to_their_stated_length() {
    let text = appendix();
    let lines: Vec<&str> = book::prose_lines(&text)
        .into_iter()
        .map(|(_, line)| line)
        .collect();
    let index = exercise_index(&lines);
    let mut schedules = 0;
    let mut wrong = Vec::new();
    for heading in headings(&lines) {
        let Some(stated) = stated_minutes(&heading.text) else {
            continue;
        };
        schedules += 1;
        let mut total = 0;
        let section = section(&lines, &heading.text);
        let tables = tables(&section);
        assert!(
            !tables.is_empty(),
            "{APPENDIX}: {:?} has no table",
            heading.text
        );
        for (header, rows) in &tables {
            let (segment, kind, minutes) = (
                column(header, "segment"),
                column(header, "kind"),
                column(header, "minutes"),
            );
            let starts = header.iter().position(|cell| cell == "starts");
            let mut clock: Option<u32> = None;
            for row in rows {
                let value: u32 = row[minutes].parse().unwrap_or_else(|_| {
                    panic!("{APPENDIX}: minutes {:?} are not a number", row[minutes])
                });
                if let Some(starts) = starts {
                    let start = clock_minutes(&row[starts]);
                    if clock.is_some_and(|expected| expected != start) {
                        wrong.push(format!(
                            "{:?}: {:?} starts at {}, but the row before ends at {}",
                            heading.text,
                            row[segment],
                            row[starts],
                            clock_text(clock.unwrap())
                        ));
                    }
                    clock = Some(start + value);
                }
                // A break has a start time but is not teaching.
                if row[kind] == "break" {
                    continue;
                }
                total += value;
                let targets = link_targets(&row[segment]);
                assert!(
                    !targets.is_empty(),
                    "{APPENDIX}: segment {:?} links nowhere",
                    row[segment]
                );
                if row[kind] == "exercise" {
                    let file = targets[0].split('#').next().unwrap();
                    let (module, (_, expected)) = index
                        .iter()
                        .find(|(_, (chapter, _))| chapter == file)
                        .unwrap_or_else(|| {
                            panic!("{APPENDIX}: exercise row for {file}, which is not indexed")
                        });
                    if value != *expected {
                        wrong.push(format!(
                            "{:?}: {module} gets {value} min, the index says {expected}",
                            heading.text
                        ));
                    }
                }
            }
        }
        if total != stated {
            wrong.push(format!(
                "{:?}: the minutes add up to {total}, the heading says {stated}",
                heading.text
            ));
        }
    }
    assert!(
        schedules >= 2,
        "{APPENDIX}: expected the one- and two-day schedules"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_exercise_is_in_the_index() {
    let text = appendix();
    let lines: Vec<&str> = book::prose_lines(&text)
        .into_iter()
        .map(|(_, line)| line)
        .collect();
    let indexed: BTreeSet<String> = exercise_index(&lines).into_keys().collect();
    let mut files = Vec::new();
    book::files_with_extension(&book::root().join("listings/src"), "rs", &mut files);
    let exercises: BTreeSet<String> = files
        .iter()
        .filter(|file| file.file_name().is_some_and(|name| name == "exercise.rs"))
        .map(|file| {
            let folder = file.parent().unwrap().file_name().unwrap();
            folder.to_string_lossy().into_owned()
        })
        .collect();
    let missing: Vec<_> = exercises.difference(&indexed).collect();
    let unknown: Vec<_> = indexed.difference(&exercises).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "{APPENDIX}: exercises missing from the index: {missing:?}; \
         indexed exercises with no exercise.rs: {unknown:?}"
    );
}

/// Every chapter's talk minutes across the schedules: file to minutes.
fn talk_minutes(lines: &[&str]) -> BTreeMap<String, BTreeSet<u32>> {
    let mut found: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    for (header, rows) in tables(lines) {
        if !header.iter().any(|cell| cell == "kind") {
            continue;
        }
        let (segment, kind, minutes) = (
            column(&header, "segment"),
            column(&header, "kind"),
            column(&header, "minutes"),
        );
        for row in rows.iter().filter(|row| row[kind] == "talk") {
            for target in link_targets(&row[segment]) {
                if let Ok(value) = row[minutes].parse() {
                    found.entry(target).or_default().insert(value);
                }
            }
        }
    }
    found
}

/// Registered programs: name to chapter slug, from each chapter's `PROGRAMS`.
fn programs() -> BTreeMap<String, String> {
    let mut files = Vec::new();
    book::files_with_extension(&book::root().join("listings/src"), "rs", &mut files);
    let mut found = BTreeMap::new();
    for file in files.iter().filter(|file| file.ends_with("mod.rs")) {
        let text = std::fs::read_to_string(file).unwrap();
        let mut name = None;
        for line in text.lines().map(str::trim) {
            let quoted = |prefix: &str| {
                line.strip_prefix(prefix).map(|rest| {
                    rest.trim_end_matches(',').trim_matches('"').to_string()
                })
            };
            if let Some(value) = quoted("name: ") {
                name = Some(value);
            } else if let Some(chapter) = quoted("chapter: ") {
                found.insert(name.take().expect("chapter: before name:"), chapter);
            }
        }
    }
    found
}

/// The commands in the backticked spans of `text` that start with `prefix`.
fn commands<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|span| span.strip_prefix(prefix))
        .collect()
}

#[test]
fn every_chapter_has_speaker_notes_with_a_real_demonstration() {
    let text = appendix();
    let notes = text
        .split_once("\n## Speaker notes\n")
        .map(|(_, rest)| rest)
        .expect("teaching.md has no `## Speaker notes` section");
    let blocks: Vec<&str> = notes
        .split("<details class=\"speaker-notes\">")
        .skip(1)
        .map(|block| block.split("</details>").next().unwrap())
        .collect();
    let programs = programs();
    let lines: Vec<&str> = book::prose_lines(&text)
        .into_iter()
        .map(|(_, line)| line)
        .collect();
    let talks = talk_minutes(&lines);
    let mut chapters_with_notes = BTreeSet::new();
    let mut wrong = Vec::new();
    for block in &blocks {
        let Some(chapter) = link_targets(block)
            .into_iter()
            .find(|target| target.ends_with(".md"))
        else {
            wrong.push(format!("a notes block links no chapter: {block:.60}"));
            continue;
        };
        let slug = chapter.trim_end_matches(".md").to_string();
        for label in [
            "**Draw:**",
            "**Asked most:**",
            "**Trap, live:**",
            "**Time:**",
        ] {
            if !block.contains(label) {
                wrong.push(format!("{chapter}: the notes have no {label}"));
            }
        }
        // The summary's "(20 min)" is a talk the schedules give the chapter.
        let stated = block
            .split_once("<summary>")
            .and_then(|(_, rest)| rest.split_once(" min)</summary>"))
            .and_then(|(summary, _)| summary.rsplit_once('('))
            .and_then(|(_, minutes)| minutes.parse::<u32>().ok());
        match (stated, talks.get(&chapter)) {
            (Some(minutes), Some(scheduled)) if scheduled.contains(&minutes) => {}
            (Some(minutes), scheduled) => wrong.push(format!(
                "{chapter}: the notes say {minutes} min, the schedules give {scheduled:?}"
            )),
            (None, _) => wrong.push(format!("{chapter}: no \"(N min)\" in the summary")),
        }
        let runs = commands(block, "cargo run -p listings -- ");
        let tests = commands(block, "cargo test -p listings --lib ");
        if runs.is_empty() && tests.is_empty() {
            wrong.push(format!("{chapter}: the notes demonstrate nothing"));
        }
        for name in runs {
            match programs.get(name) {
                Some(owner) if *owner == slug => {}
                Some(owner) => {
                    wrong.push(format!("{chapter}: {name} is {owner}'s program"))
                }
                None => wrong.push(format!("{chapter}: no program {name}")),
            }
        }
        for filter in tests.into_iter().filter(|filter| !filter.starts_with("--")) {
            let path = format!("listings/src/{}.rs", filter.replace("::", "/"));
            if !book::root().join(&path).is_file() {
                wrong
                    .push(format!("{chapter}: `{filter}` names no listing ({path})"));
            }
        }
        if !chapters_with_notes.insert(chapter.clone()) {
            wrong.push(format!("{chapter} has notes twice"));
        }
    }
    let summary =
        std::fs::read_to_string(book::root().join("src/SUMMARY.md")).unwrap();
    for line in summary.lines().filter(|line| line.starts_with("- [")) {
        let target = link_targets(line).pop().unwrap_or_default();
        if !target.is_empty() && !chapters_with_notes.contains(&target) {
            wrong.push(format!("{target} has no speaker notes"));
        }
    }
    assert!(wrong.is_empty(), "{APPENDIX}:\n{}", wrong.join("\n"));
}
