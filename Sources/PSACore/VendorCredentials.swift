/// What a vendor's credentials are, declared once: the environment variables psatop reads them
/// from, the request headers that carry them, and what a "copy as curl" writes in their place.
/// Config, redaction, the environment a child gets, the curl copy and the help all read this.
public struct CredentialDeclaration: Sendable, Equatable {
    /// The environment variables psatop reads this vendor's credentials from.
    public var variables: [String]
    /// Lower-cased header name → what the curl copy writes for its value (a variable, never the value).
    public var curlStandIns: [String: String]
    /// Said after copying: which variables the copied command expects.
    public var curlNote: String
}

extension Vendor {
    public var credentials: CredentialDeclaration {
        let v = CredentialVariable.self
        switch self {
        case .autotask:
            return CredentialDeclaration(
                variables: [v.autotaskUserName, v.autotaskSecret, v.autotaskIntegrationCode],
                curlStandIns: [
                    "secret": "$\(v.autotaskSecret)", "apiintegrationcode": "$\(v.autotaskIntegrationCode)",
                    "username": "$\(v.autotaskUserName)",
                ],
                curlNote: "credentials as $\(v.autotaskSecret), $\(v.autotaskIntegrationCode)")
        case .atera:
            return CredentialDeclaration(
                variables: [v.ateraKey],
                curlStandIns: ["x-api-key": "$\(v.ateraKey)", "authorization": "Bearer $\(v.ateraKey)"],
                curlNote: "the key as $\(v.ateraKey)")
        case .halo:
            return CredentialDeclaration(
                variables: [v.haloClientID, v.haloClientSecret, v.haloScope],
                curlStandIns: ["authorization": "Bearer $\(v.haloToken)"],
                curlNote:
                    "the bearer token as $\(v.haloToken): get one from the auth server with $\(v.haloClientID) and $\(v.haloClientSecret)"
            )
        case .connectwise:
            return CredentialDeclaration(
                variables: [v.cwCompany, v.cwPublicKey, v.cwPrivateKey, v.cwClientID],
                curlStandIns: [
                    "authorization":
                        "Basic $(printf %s \"$\(v.cwCompany)+$\(v.cwPublicKey):$\(v.cwPrivateKey)\" | base64 -w0)",
                    "clientid": "$\(v.cwClientID)",
                ],
                curlNote:
                    "the API member's keys as $\(v.cwCompany), $\(v.cwPublicKey), $\(v.cwPrivateKey) and the clientId as $\(v.cwClientID)"
            )
        }
    }
}
