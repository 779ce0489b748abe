import Foundation
import PSAClient
import PSACore
import Synchronization

/// The request log as lines of text, written as the requests happen: `-v` on the headless
/// commands writes it to stderr, the dashboard's `--stderr-log` to its file. One format and one
/// redaction for both: each line goes through its tenant client's `redact` (every configured
/// secret removed) and is sanitized (no escape sequence or control character), whatever part of
/// it came from a server.
///
///     psatop: 12:00:03.412 GET /ATServicesRest/V1.0/Tickets/query 200 412ms retry 1 waited 1.3s (Retry-After) [tickets]
public final class RequestLogWriter: Sendable {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let timeZone: TimeZone
    /// The id of the last record written, per tenant: a record comes once, from the client's
    /// log or its event stream, whichever shows it first.
    private let written = Mutex<[Int: Int]>([:])
    private let follower = Mutex<Task<Void, Never>?>(nil)
    private let tenants = Mutex<[(name: String?, client: RateAwareClient)]>([])

    /// Lines to standard error.
    public static func standardError(timeZone: TimeZone = .current) -> RequestLogWriter {
        RequestLogWriter(fd: STDERR_FILENO, ownsDescriptor: false, timeZone: timeZone)
    }

    /// Lines appended to a file (created 0600), such as the dashboard's `--stderr-log`. The file
    /// must be a regular file of this user's: a symbolic link (to another user's file, say), a
    /// FIFO or a device is refused, judged on what was opened.
    public static func appending(to path: String, timeZone: TimeZone = .current) throws -> RequestLogWriter {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY, 0o600)
        guard fd >= 0 else {
            let reason =
                errno == ELOOP ? "it is a symbolic link (give the file itself)" : String(cString: strerror(errno))
            throw LogFileError(path: path, reason: reason)
        }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_uid == getuid() else {
            let kind = st.st_mode & S_IFMT
            close(fd)
            let reason =
                kind != S_IFREG
                ? "it is \(OpenedFile.describe(kind)), not a regular file" : "it belongs to another user"
            throw LogFileError(path: path, reason: reason)
        }
        return RequestLogWriter(fd: fd, ownsDescriptor: true, timeZone: timeZone)
    }

    /// Lines to a descriptor the caller keeps open (tests: a pipe).
    public init(fd: Int32, ownsDescriptor: Bool = false, timeZone: TimeZone = .current) {
        self.fd = fd
        self.ownsDescriptor = ownsDescriptor
        self.timeZone = timeZone
    }

    deinit { if ownsDescriptor { close(fd) } }

    public struct LogFileError: Error, CustomStringConvertible {
        public let path: String, reason: String
        public var description: String { "cannot write the log to \(path): \(reason)" }
    }

    /// Writes every request of these tenants from now on (and those already in their logs, such as
    /// an Autotask zone lookup made while connecting). `name` prefixes each line when given
    /// (several tenants). Ends with `finish()`.
    public func follow(_ list: [(name: String?, client: RateAwareClient)]) async {
        var streams: [(Int, String?, RateAwareClient, AsyncStream<ClientEvent>)] = []
        for (i, t) in list.enumerated() {
            // Subscribe first, then read the log: a record made in between shows in both and is
            // written once (by id).
            let events = await t.client.events()
            for r in await t.client.log { write(r, tenant: i, name: t.name, redact: t.client.redact) }
            streams.append((i, t.name, t.client, events))
        }
        tenants.withLock { $0 = list }
        let task = Task {
            await withTaskGroup(of: Void.self) { group in
                for (i, name, client, events) in streams {
                    group.addTask { [self] in
                        for await e in events {
                            if case .record(let r) = e { write(r, tenant: i, name: name, redact: client.redact) }
                        }
                    }
                }
            }
        }
        follower.withLock { $0 = task }
    }

    /// Stops following, after writing every request the clients logged until now, so a command
    /// that ends at once still shows its last requests.
    public func finish() async {
        let task = follower.withLock { t -> Task<Void, Never>? in
            defer { t = nil }
            return t
        }
        task?.cancel()
        await task?.value
        let list = tenants.withLock { $0 }
        for (i, t) in list.enumerated() {
            for r in await t.client.log { write(r, tenant: i, name: t.name, redact: t.client.redact) }
        }
    }

    private func write(_ r: RequestRecord, tenant: Int, name: String?, redact: (String) -> String) {
        // Under the lock: lines stay whole and in order, each once.
        written.withLock { last in
            guard r.id > last[tenant, default: 0] else { return }
            last[tenant] = r.id
            let bytes = Array((Self.line(r, tenant: name, timeZone: timeZone, redact: redact) + "\n").utf8)
            var off = 0
            while off < bytes.count {
                let n = bytes[off...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }  // a closed pipe or a full disk: the log is lost, the work goes on
                off += n
            }
        }
    }

    /// One request as a line: time, tenant, method, path, status (ERR: no answer), duration,
    /// the attempt when retried, how long and why it waited, who asked, why it was sent on its
    /// own, and a failure's cause. Secrets are removed and the whole line sanitized.
    public static func line(
        _ r: RequestRecord, tenant: String? = nil, timeZone: TimeZone = .current,
        redact: (String) -> String = { $0 }
    ) -> String {
        var parts = [clock(r.time, timeZone)]
        if let tenant { parts.append(tenant) }
        parts += [r.method, r.path, r.status.map(String.init) ?? "ERR", millis(r.duration)]
        if r.attempt > 0 { parts.append("retry \(r.attempt)") }
        if let w = r.waitReason, r.waited > 0 { parts.append("waited \(seconds(r.waited)) (\(w.label))") }
        if !r.purpose.isEmpty { parts.append("[\(r.purpose)]") }
        if let b = r.background { parts.append("- \(b)") }
        if let e = r.error, r.isError { parts.append("- \(e)") }
        // Redacted before and after sanitizing: a secret split by a control character is found too.
        return "psatop: " + redact(redact(parts.joined(separator: " ")).sanitized)
    }

    static func clock(_ d: Date, _ tz: TimeZone) -> String {
        // Rounded to the millisecond first (a Date is a binary fraction: .412 may be .41199…).
        let total = (d.timeIntervalSince1970 * 1_000).rounded()
        let ms = Int(total.truncatingRemainder(dividingBy: 1_000) + 1_000) % 1_000
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = tz
        let c = cal.dateComponents(
            [.hour, .minute, .second], from: Date(timeIntervalSince1970: ((total - Double(ms)) / 1_000)))
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return "\(pad(c.hour ?? 0, 2)):\(pad(c.minute ?? 0, 2)):\(pad(c.second ?? 0, 2)).\(pad(ms, 3))"
    }

    static func millis(_ s: Double) -> String { s < 10 ? "\(Int((s * 1_000).rounded()))ms" : seconds(s) }

    static func seconds(_ s: Double) -> String {
        s < 10 ? String(format: "%.1fs", s) : "\(Int(s.rounded()))s"
    }
}
