import Foundation
import PSACore

/// One ticket in full: every field with labels, dates in local time, the description as text.
func renderDetail(
    _ c: inout Canvas, _ s: DashboardState, _ d: DetailState, _ theme: Theme, _ g: Glyphs, _ r: Layout.Rect
) {
    let t = d.ticket
    var title = "Ticket \(t.number)"
    if d.loading { title += " " + g.spinner(s.spinner) + " loading" }
    let area = c.box(r, title: title, focused: true, theme: theme, glyphs: g)
    let x0 = area.x, inner = area.width
    var lines: [DetailLine] = []
    if let e = d.error { lines.append(.field("Error", e, theme[.error])) }
    if let saving = d.saving {
        lines.append(.field("Saving", saving + " " + g.spinner(s.spinner), theme[.warning]))
    }
    if let n = d.notice { lines.append(.field("Change", n, d.noticeIsError ? theme[.error] : theme[.ok])) }
    lines.append(.field("Title", t.title, theme[.header]))
    lines.append(.field("Status", t.status, nil))
    lines.append(.field("Priority", t.priority, priorityStyle(t.priority, theme)))
    lines.append(.field("Company", t.company, nil))
    lines.append(.field("Assigned to", t.assignee.isEmpty ? "—" : t.assignee, nil))
    lines.append(.field("Created", Format.dateTime(t.created, s.timeZone), nil))
    lines.append(
        .field(
            "Last activity",
            Format.dateTime(t.lastActivity, s.timeZone)
                + (t.lastActivity.map { "  (\(Format.age($0, now: s.now)) ago)" } ?? ""), nil))
    let overdue = t.due.map { $0 < s.now } ?? false
    lines.append(
        .field(
            "Due", Format.dateTime(t.due, s.timeZone) + (overdue ? "  OVERDUE" : ""), overdue ? theme[.overdue] : nil))
    // Each SLA stage: its deadline, and met (on time or late), breached, or how long is left.
    for stage in t.sla?.stages ?? [] {
        let due = Format.dateTime(stage.due, s.timeZone)
        let text: String, style: Style?
        switch stage.state(now: s.now) {
        case .met:
            text = "met \(Format.dateTime(stage.met, s.timeZone)) (due \(due))"
            style = theme[.ok]
        case .metLate:
            text = "met late \(Format.dateTime(stage.met, s.timeZone)) (due \(due))"
            style = theme[.warning]
        case .breached:
            text = "BREACHED: due \(due) (\(Format.age(stage.due, now: s.now)) ago)"
            style = theme[.overdue]
        case .open:
            text = "due \(due) (\(SLAText.relative(stage.due, now: s.now)))"
            style = stage.due.timeIntervalSince(s.now) < 3_600 ? theme[.warning] : nil
        }
        lines.append(.field("SLA " + stage.kind.label.lowercased(), text, style))
    }
    for f in t.fields { lines.append(.field(f.name, Format.localDates(f.value, s.timeZone), nil)) }
    let labelW = min(24, max(12, lines.map { TextWidth.of($0.label ?? "") }.max() ?? 12) + 1)
    var out: [DetailLine] = []
    for l in lines {
        let wrapped = Format.wrap(l.text, width: inner - labelW)
        for (i, w) in wrapped.enumerated() { out.append(.field(i == 0 ? l.label ?? "" : "", w, l.style)) }
    }
    out.append(.blank)
    out.append(.field("Description", "", theme[.header]))
    for w in Format.wrap(t.description.isEmpty ? (d.loading ? "(loading…)" : "(none)") : t.description, width: inner) {
        out.append(.full(w, nil))
    }
    // Attachments: name, size, who, when, who sees it; `w` saves one.
    if let e = d.attachmentsError {
        out.append(.blank)
        out.append(.field("Attachments", "could not be loaded: \(e)", theme[.error]))
    } else if let list = d.attachments, !list.isEmpty {
        out.append(.blank)
        out.append(.field("Attachments", "\(list.count) \(g.dot) w saves one", theme[.header]))
        for (i, a) in list.enumerated() {
            var parts = [a.name]
            if let n = a.size { parts.append(ByteSize.text(n)) }
            if let who = a.author { parts.append(who) }
            if let at = a.date { parts.append(Format.dateTime(at, s.timeZone)) }
            if let isInternal = a.isInternal { parts.append(isInternal ? "internal" : "customers see it") }
            if a.url != nil { parts.append("kept by Atera (another host)") }
            let chosen = d.save?.choice.index == i
            out.append(
                .full(
                    (chosen ? g.arrow : " ") + " " + parts.joined(separator: " \(g.dot) "),
                    chosen ? theme[.selected] : nil))
        }
    }
    out += timeLines(s, d, theme, g, width: inner)
    // Atera's comments; Autotask's ticket notes.
    let section = s.vendor.commentsLabel
    if let e = d.commentsError {
        out.append(.blank)
        out.append(.field(section, "could not be loaded: \(e)", theme[.error]))
    } else if let comments = d.comments {
        out.append(.blank)
        // System notes (workflow rules, the RMM) can outnumber people's: folded into a count.
        let system = comments.filter(\.isSystem).count
        let shown = d.showSystemNotes ? comments : comments.filter { !$0.isSystem }
        var summary = shown.isEmpty ? "(none)" : "\(shown.count), newest first"
        if system > 0 {
            summary +=
                d.showSystemNotes
                ? " (\(system) system notes shown: f folds them)"
                : " \(g.dot) \(system) system notes folded (workflow rules, RMM): f shows them"
        }
        out.append(.field(section, summary, theme[.header]))
        for cm in shown.reversed() {
            let kind = cm.kind.map { " \(g.dot) \($0)" } ?? ""
            let head =
                "\(Format.dateTime(cm.date, s.timeZone)) \(g.dot) \(cm.author)\(kind)"
                + (cm.isInternal ? " \(g.dot) internal" : "")
            out.append(.full(head, theme[.muted]))
            for w in Format.wrap(cm.text.isEmpty ? "(empty)" : cm.text, width: max(10, inner - 2)) {
                out.append(.full("  " + w, nil))
            }
        }
    }
    let rows = r.height - 2
    let start = min(d.scroll.index, max(0, out.count - rows))
    for (i, l) in out.dropFirst(start).prefix(rows).enumerated() {
        let y = r.y + 1 + i
        if let label = l.label {
            c.put(x0, y, label, theme[.muted], maxWidth: labelW)
            c.put(x0 + labelW, y, l.text, l.style ?? theme[.base], maxWidth: inner - labelW)
        } else {
            c.put(x0, y, l.text, l.style ?? theme[.base], maxWidth: inner)
        }
    }
    if out.count > rows {
        let more = "\(start + 1)-\(min(out.count, start + rows))/\(out.count)"
        c.put(r.x + r.width - TextWidth.of(more) - 3, r.y + r.height - 1, " " + more + " ", theme[.border])
    }
    switch d.flow {
    case .picker(let e): renderPicker(&c, s, d, e, theme, g, r)
    case .noteTyping(let n):
        renderNoteBox(
            &c, n, title: "Note on \(t.number.sanitized) (no $EDITOR: typed here)", theme, g, r, cursor: true)
    case .noteConfirm(let n):
        renderNoteBox(&c, n, title: "Note on \(t.number.sanitized) · \(n.visibility.audience)", theme, g, r)
    case .attachPath, .attachConfirm, .save, nil: break  // (said in the footer's prompt)
    }
}

/// A row of the detail: a field with its label (shown on the field's first row; nil for text
/// across the whole width: the description, attachments, notes).
struct DetailLine {
    var label: String?
    var text: String
    var style: Style?

    static func field(_ label: String, _ text: String, _ style: Style? = nil) -> DetailLine {
        DetailLine(label: label, text: text, style: style)
    }

    static func full(_ text: String, _ style: Style? = nil) -> DetailLine {
        DetailLine(label: nil, text: text, style: style)
    }

    static let blank = field("", "")
}

/// A note being typed inline, or waiting for its question: its last lines, sanitized, in a box.
func renderNoteBox(
    _ c: inout Canvas, _ n: NoteDraft, title: String, _ theme: Theme, _ g: Glyphs, _ r: Layout.Rect,
    cursor: Bool = false
) {
    let w = min(r.width - 4, 90), h = min(r.height - 2, 12)
    let box = Layout.Rect(x: r.x + (r.width - w) / 2, y: r.y + 2, width: w, height: h)
    c.fill(x: box.x, y: box.y, width: box.width, height: box.height, theme[.base])
    c.box(box, title: title, focused: true, theme: theme, glyphs: g)
    var lines: [String] = []
    for raw in n.text.split(separator: "\n", omittingEmptySubsequences: false) {
        let wrapped = raw.isEmpty ? [] : Format.wrap(String(raw).sanitized, width: w - 4)
        lines += wrapped.isEmpty ? [""] : wrapped
    }
    // After a Ctrl-C the question takes the box's last row: the note is kept, a second Ctrl-C quits.
    let rows = h - 2 - (n.interrupted ? 1 : 0)
    // While typing, the cursor after the last character (on a line of its own when that one is full).
    var end = TextWidth.of(lines.last ?? "")
    if cursor, end >= w - 4 {
        lines.append("")
        end = 0
    }
    let shown = lines.suffix(rows)
    for (i, l) in shown.enumerated() { c.put(box.x + 2, box.y + 1 + i, l, theme[.base], maxWidth: w - 4) }
    if cursor, rows > 0 { c.put(box.x + 2 + end, box.y + shown.count, g.cursor, theme[.key]) }
    if n.interrupted {
        c.put(
            box.x + 2, box.y + h - 2, "Ctrl-C: the note is kept as a draft. Ctrl-C again quits; any key goes on typing",
            theme[.error], maxWidth: w - 4)
    }
}

/// The status or priority picker over the detail view, then its confirmation.
func renderPicker(
    _ c: inout Canvas, _ s: DashboardState, _ d: DetailState, _ e: EditState, _ theme: Theme, _ g: Glyphs,
    _ r: Layout.Rect
) {
    let held = d.ticket.value(of: e.field)
    let current = held.isEmpty ? (e.field == .assignee ? "unassigned" : "none") : held
    let other = e.field == .assignee ? "another technician (e-mail)…" : "another \(e.field.rawValue)…"
    let choices =
        (e.choices ?? []) + (e.allowsOther && e.choices != nil ? [e.typed.map { "> " + $0 + "_" } ?? other] : [])
    var lines: [(text: String, style: Style)] = []
    if let err = e.error {
        lines.append((err, theme[.error]))
    } else if e.choices == nil {
        lines.append((g.spinner(s.spinner) + " loading the labels…", theme[.muted]))
    }
    let picked = e.other ?? (choices.indices.contains(e.selected) ? choices[e.selected] : nil)
    let question =
        e.confirming && picked != nil
        ? "\(current.sanitized) \(g.arrow) \(picked!.sanitized) on \(d.ticket.number.sanitized)?" : ""
    let unseen =
        e.other.map { o in !(e.choices ?? []).contains { $0.caseInsensitiveCompare(o) == .orderedSame } } ?? false
    let w = min(
        r.width - 4, max(44, (choices.map { TextWidth.of($0.sanitized) }.max() ?? 0) + 8, TextWidth.of(question) + 4))
    let listRows = max(1, min(choices.count, r.height - 7))
    let h = min(r.height - 2, max(lines.count, listRows) + (e.confirming ? 6 : 4))
    let box = Layout.Rect(x: r.x + r.width - w - 2, y: r.y + 1, width: w, height: h)
    c.box(box, title: "Set \(e.field.rawValue) (now \(current.sanitized))", focused: true, theme: theme, glyphs: g)
    var y = box.y + 1
    for l in lines {
        c.put(box.x + 2, y, l.text, l.style, maxWidth: w - 4)
        y += 1
    }
    let first = e.cursor.firstShown(rows: listRows, count: choices.count)
    for (i, label) in choices.enumerated().dropFirst(first).prefix(listRows) {
        let sel = i == e.selected
        let style = sel ? theme[.selected] : theme[.base]
        if sel { c.fill(x: box.x + 1, y: y, width: w - 2, height: 1, style) }
        let mark = label.caseInsensitiveCompare(current) == .orderedSame ? g.changed : " "
        c.put(box.x + 2, y, mark + " " + label.sanitized, style, maxWidth: w - 4)
        y += 1
    }
    if e.confirming, picked != nil {
        y += 1
        c.put(box.x + 2, y, question, theme[.warning], maxWidth: w - 4)
        c.put(
            box.x + 2, y + 1,
            unseen
                ? "not seen on this tenant: the server decides \(g.dot) y send \(g.dot) n back"
                : "y send (only this field) \(g.dot) n back",
            theme[.key], maxWidth: w - 4)
    } else if e.typed != nil {
        c.put(
            box.x + 2, box.y + box.height - 2, "type it \(g.dot) " + KeyMap.of(.pickerTyping).line(s, dot: g.dot),
            theme[.muted], maxWidth: w - 4)
    } else {
        c.put(box.x + 2, box.y + box.height - 2, KeyMap.of(.picker).line(s, dot: g.dot), theme[.muted], maxWidth: w - 4)
    }
}
