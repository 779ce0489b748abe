import CursesUI
import Dashboard
import Foundation
import PSAApp
import PSAClient
import PSACore
import Testing

@Suite("Copy and open: OSC 52, the browser, the web page of a ticket", .timeLimit(.minutes(10)))
struct ShareTests {
    @Test("the themes t steps through: the shipped four first, then the user's own")
    func themes() throws {
        let dir = NSTemporaryDirectory() + "psatop-themes-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/psatop/themes", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "name = \"zebra\"\n".write(toFile: dir + "/psatop/themes/zebra.toml", atomically: true, encoding: .utf8)
        let names = ThemeLocator.available(environment: ["XDG_CONFIG_HOME": dir])
        #expect(Array(names.prefix(4)) == ["default", "light", "high-contrast", "mono"], "\(names)")
        #expect(names.contains("zebra"))
    }

    @Test("OSC 52 carries the text as base64: nothing in it can end the sequence")
    func osc52() {
        #expect(Clipboard.osc52("T20261123.0042") == "\u{1B}]52;c;VDIwMjYxMTIzLjAwNDI=\u{07}")
        let hostile = Clipboard.osc52("x\u{07}\u{1B}]0;pwned\u{07}")
        #expect(hostile.dropFirst().dropLast().allSatisfy { $0 != "\u{07}" && $0 != "\u{1B}" })
    }

    @Test("a browser only where one can be reached: $BROWSER, else xdg-open with a display; over SSH alone, none")
    func browser() {
        let all: (String) -> Bool = { _ in true }
        let none: (String) -> Bool = { _ in false }
        #expect(
            Browser.command(environment: ["BROWSER": "firefox", "PATH": "/usr/bin"], exists: all) == "/usr/bin/firefox")
        #expect(Browser.command(environment: ["BROWSER": "/opt/b:lynx"], exists: all) == "/opt/b")
        #expect(
            Browser.command(environment: ["DISPLAY": ":0", "PATH": "/usr/local/bin:/usr/bin"], exists: all)
                == "/usr/local/bin/xdg-open")
        #expect(Browser.command(environment: ["DISPLAY": ":0", "PATH": "/usr/bin"], exists: none) == nil)
        #expect(
            Browser.command(environment: ["SSH_CONNECTION": "10.0.0.1 5 10.0.0.2 22", "PATH": "/usr/bin"], exists: all)
                == nil)
    }

    @Test("the ticket's web page follows the zone in use; a simulator has none")
    func webLinks() {
        #expect(
            WebLinks.ticketTemplate(
                vendor: .autotask, apiBaseURL: "https://webservices3.autotask.net/ATServicesRest/V1.0")
                == "https://ww3.autotask.net/Mvc/ServiceDesk/TicketDetail.mvc?workspace=False&mode=0&ticketId={id}")
        #expect(
            WebLinks.ticketTemplate(
                vendor: .autotask, apiBaseURL: "https://webservices16.autotask.net/ATServicesRest/V1.0")?.hasPrefix(
                    "https://ww16.autotask.net/") == true)
        #expect(
            WebLinks.ticketTemplate(vendor: .atera, apiBaseURL: "https://app.atera.com/api/v3")
                == "https://app.atera.com/new/ticket/{id}")
        #expect(
            WebLinks.ticketTemplate(vendor: .autotask, apiBaseURL: "http://127.0.0.1:8080/ATServicesRest/V1.0") == nil)
        #expect(WebLinks.ticketTemplate(vendor: .atera, apiBaseURL: "http://127.0.0.1:8080/api/v3") == nil)
    }

    @Test("y copies the number, o opens the page or says there is none; the message goes after a few seconds")
    func keys() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var s = DashboardState(vendor: .autotask, tenant: "t", now: now, width: 100, height: 30)
        let t = Ticket(id: 4242, number: "T20261123.0042", title: "x", status: "New", priority: "High")
        _ = s.reduce(.page(TicketPage(tickets: [t], total: 1, next: nil), reset: true, at: now))
        #expect(s.reduce(.key(.char("y"))) == [.copy("T20261123.0042")])
        #expect(s.flash?.contains("copied T20261123.0042") == true)
        #expect(s.reduce(.key(.char("o"))) == [])
        #expect(s.flash?.contains("no web page") == true)
        _ = s.reduce(
            .ticketWeb("https://ww3.autotask.net/Mvc/ServiceDesk/TicketDetail.mvc?workspace=False&mode=0&ticketId={id}")
        )
        #expect(
            s.reduce(.key(.char("o"))) == [
                .open("https://ww3.autotask.net/Mvc/ServiceDesk/TicketDetail.mvc?workspace=False&mode=0&ticketId=4242")
            ])
        // In the detail view too; and the footer says it whole.
        _ = s.reduce(.key(.enter))
        #expect(s.reduce(.key(.char("y"))) == [.copy("T20261123.0042")])
        _ = s.reduce(.notice("no browser here; the page: https://ww3.autotask.net/x?ticketId=4242"))
        #expect(render(s, theme: .fallback).lines.last?.contains("https://ww3.autotask.net/x?ticketId=4242") == true)
        _ = s.reduce(.tick(now.addingTimeInterval(DashboardState.flashSeconds + 1)))
        #expect(s.flash == nil)
        #expect(s.reduce(.key(.char("t"))) == [.nextTheme])
        // Several tenants: the command is for the tenant on screen, and unwraps to itself.
        #expect(Command.forTenant(1, .copy("a")).unwrapped == .copy("a"))
    }
}

@Suite("Attachment files", .timeLimit(.minutes(10)))
struct AttachmentFileTests {
    @Test(
        "a typed path: ~ and relative paths resolved; directories, devices, empty and oversized files refused before reading"
    )
    func reading() throws {
        let dir = NSTemporaryDirectory() + "psatop-files-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("hello".utf8).write(to: URL(fileURLWithPath: dir + "/sub/a.txt"))
        try Data().write(to: URL(fileURLWithPath: dir + "/empty"))
        try Data(count: 101).write(to: URL(fileURLWithPath: dir + "/big"))

        #expect(AttachmentFile.resolve("~/x/../y.log", home: "/home/u", cwd: "/w") == "/home/u/y.log")
        #expect(AttachmentFile.resolve("~", home: "/home/u", cwd: "/w") == "/home/u")
        #expect(AttachmentFile.resolve("logs/a.log", home: "/home/u", cwd: "/w") == "/w/logs/a.log")
        #expect(AttachmentFile.resolve("/abs", home: "/home/u", cwd: "/w") == "/abs")

        let ok = try AttachmentFile.read("~/sub/a.txt", fileLimit: 100, home: dir, cwd: "/")
        #expect(ok == AttachmentFile(name: "a.txt", data: Data("hello".utf8)))
        #expect(try AttachmentFile.read("sub/a.txt", fileLimit: 100, home: "/", cwd: dir).data.count == 5)

        func refusal(_ path: String) -> String {
            do {
                _ = try AttachmentFile.read(path, fileLimit: 100, home: dir, cwd: dir)
                return "read"
            } catch { return String(describing: error) }
        }
        #expect(refusal("sub").contains("is a directory"))
        #expect(refusal("missing.txt").contains("no such file"))
        #expect(refusal("empty").contains("is empty"))
        #expect(refusal("big") == "the file is 101 B; Autotask takes at most 100 B per attachment")
        #expect(refusal("/dev/null").contains("not a regular file"))
    }
}

@Suite("Colour depth", .timeLimit(.minutes(10)))
struct ColourDepthTests {
    @Test("the depth from the terminal's colour count")
    func depth() {
        #expect(
            [0, 2, 8, 15, 16, 88, 256, 0x1000000].map { ColorDepth(colors: $0) }
                == [.none, .none, .ansi8, .ansi8, .ansi16, .ansi16, .palette256, .direct])
    }

    @Test(
        "a 256-colour entry is swapped for its family's direct-colour one only when COLORTERM says 24-bit and it is installed"
    )
    func directEntry() {
        let installed: (String) -> Bool = { ["xterm-direct", "tmux-direct"].contains($0) }
        #expect(
            ColorDepth.directEntry(
                environment: ["COLORTERM": "truecolor", "TERM": "xterm-256color"], exists: installed) == "xterm-direct")
        #expect(
            ColorDepth.directEntry(environment: ["COLORTERM": "24bit", "TERM": "tmux-256color"], exists: installed)
                == "tmux-direct")
        #expect(ColorDepth.directEntry(environment: ["TERM": "xterm-256color"], exists: installed) == nil)
        #expect(
            ColorDepth.directEntry(environment: ["COLORTERM": "yes", "TERM": "xterm-256color"], exists: installed)
                == nil)
        #expect(
            ColorDepth.directEntry(
                environment: ["COLORTERM": "truecolor", "TERM": "screen-256color"], exists: installed) == nil)
        #expect(
            ColorDepth.directEntry(environment: ["COLORTERM": "truecolor", "TERM": "xterm-direct"], exists: installed)
                == nil)
        #expect(
            ColorDepth.directEntry(
                environment: ["COLORTERM": "truecolor", "TERM": "xterm-256color"], exists: { _ in false }) == nil)
        #expect(Terminfo.exists("xterm") && !Terminfo.exists("no-such-terminal") && !Terminfo.exists("../x/xterm"))
    }

    @Test(
        "a theme colour in each depth: ANSI kept where it fits, palette and RGB brought down, RGB sent whole in direct colour"
    )
    func numbers() {
        let grey = TermColor.indexed(246), orange = TermColor.rgb(255, 135, 0), brightRed = TermColor.ansi(9)
        #expect(
            [TermColor.default, .ansi(3), brightRed, grey, orange].map { ColorMath.number($0, depth: .ansi8) } == [
                -1, 3, 1, 7, 3,
            ])
        #expect([brightRed, grey, orange].map { ColorMath.number($0, depth: .ansi16) } == [9, 8, 3])
        #expect([brightRed, grey, orange].map { ColorMath.number($0, depth: .palette256) } == [9, 246, 208])
        #expect(
            [TermColor.ansi(3), brightRed, grey, orange].map { ColorMath.number($0, depth: .direct) }
                == [3, 0xFF0000, 0x949494, 0xFF8700])
        // 0–7 mean the ANSI colours in direct mode: a near-black is nudged to 8, not turned red.
        #expect(ColorMath.number(.rgb(0, 0, 1), depth: .direct) == 8)
        #expect(ColorMath.number(orange, depth: .none) == -1)
    }
}
