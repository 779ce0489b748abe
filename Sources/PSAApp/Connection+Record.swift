import Foundation
import PSAClient
import PSACore

extension Connection {
    /// A tenant's client over async-http-client, recording through `settings.recorder` when
    /// `--record` was given (the recorder redacts with this very client's `redact`).
    static func makeClient(
        _ settings: ConnectionSettings, policy: ClientPolicy, clock: PSAClock,
        secrets: [String]
    ) -> RateAwareClient {
        guard let recorder = settings.recorder else {
            return RateAwareClient(transport: AHCTransport(), policy: policy, clock: clock, secrets: secrets)
        }
        let (transport, attach) = recorder.wrap(AHCTransport(), clock: clock)
        let client = RateAwareClient(transport: transport, policy: policy, clock: clock, secrets: secrets)
        attach { client.redact($0) }
        return client
    }
}
