/// Every declared vendor named in a sentence, so a help or error text that lists them is
/// never out of date when one is added.
extension Vendor {
    /// "Autotask, Atera and HaloPSA".
    public static var labelList: String { sentence(allCases.map(\.label), "and") }
    /// "autotask, atera or halo": the names `--vendor` and a profile's `vendor` take.
    public static var nameList: String { sentence(allCases.map(\.rawValue), "or") }
    /// "\"autotask\", \"atera\" or \"halo\"".
    public static var quotedNameList: String { sentence(allCases.map { "\"\($0.rawValue)\"" }, "or") }

    public static func sentence(_ items: [String], _ conjunction: String) -> String {
        guard let last = items.last, items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(conjunction) " + last
    }
}
