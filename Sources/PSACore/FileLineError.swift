/// An error in a file psatop reads (the config file, a theme file) that names the file and line
/// (0: the file as a whole). `ConfigError` and `ThemeError` are this one type.
public struct FileLineError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int
    public var message: String
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }
}
