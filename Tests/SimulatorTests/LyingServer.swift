import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A small local server that answers every request as `answer` says: one per way a server can
/// lie (endless pages, an ignored id filter, oversize pages, frozen rate-limit headers…). It
/// keeps what it was asked, so a test counts the requests a walk sent.
final class LyingServer: Sendable {
    struct Answer: Sendable {
        var status = 200
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        var body = Data()

        static func json(_ text: String, status: Int = 200, headers: [(String, String)] = []) -> Answer {
            Answer(status: status, headers: [("Content-Type", "application/json")] + headers, body: Data(text.utf8))
        }
    }
    /// A request as seen: method, path with query, body.
    struct Seen: Sendable {
        var method: String
        var uri: String
        var body: String
    }

    final class Log: Sendable {
        let seen = Mutex<[Seen]>([])
    }

    let port: Int
    private let task: Task<Void, any Error>
    private let log: Log

    var url: String { "http://127.0.0.1:\(port)" }
    var requests: [Seen] { log.seen.withLock { $0 } }

    private init(port: Int, task: Task<Void, any Error>, log: Log) {
        self.port = port
        self.task = task
        self.log = log
    }

    static func start(_ answer: @escaping @Sendable (Seen) -> Answer) async throws -> LyingServer {
        let log = Log()
        let (portStream, portCont) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in
                var request = request
                let body = try await request.collectBody(upTo: 1 << 20)
                let seen = Seen(
                    method: request.method.rawValue, uri: request.uri.description,
                    body: String(buffer: body))
                log.seen.withLock { $0.append(seen) }
                let a = answer(seen)
                var fields = HTTPFields()
                for (k, v) in a.headers {
                    if let name = HTTPField.Name(k) { fields.append(HTTPField(name: name, value: v)) }
                }
                return Response(
                    status: .init(code: a.status), headers: fields,
                    body: .init(byteBuffer: ByteBuffer(bytes: a.body)))
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portCont.yield(channel.localAddress?.port ?? 0)
                portCont.finish()
            },
            logger: Logger(label: "lying-server", factory: { _ in SwiftLogNoOpLogHandler() }))
        let task = Task {
            defer { portCont.finish() }
            try await app.run()
        }
        var port = 0
        for await p in portStream {
            port = p
            break
        }
        guard port > 0 else {
            task.cancel()
            throw CancellationError()
        }
        return LyingServer(port: port, task: task, log: log)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}
