// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "psatop",
    // macOS 15: Synchronization's Atomic and Mutex. Built and tested on Linux only; macOS is untested.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "psatop", targets: ["psatop"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/pointfreeco/swift-clocks", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
    ],
    targets: [
        // Domain values and pure logic: no I/O.
        .target(name: "PSACore"),
        // The rate-aware client (one actor per tenant) and the vendor APIs.
        .target(
            name: "PSAClient",
            dependencies: [
                "PSACore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        // Loopback twin of both APIs.
        .target(
            name: "Simulator",
            dependencies: [
                "PSACore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        // State, events, reduce, render into an in-memory canvas. No terminal.
        .target(name: "Dashboard", dependencies: ["PSACore"]),
        // The quota history: SQLite through GRDB, written off the UI path in batches.
        .target(name: "History", dependencies: ["PSACore", .product(name: "GRDB", package: "GRDB.swift")]),
        // The only place that touches ncurses: the wide-character library, named `ncursesw` on
        // Linux and `ncurses` on macOS (whose system ncurses has the wide functions built in).
        .target(
            name: "CNcurses",
            linkerSettings: [
                .linkedLibrary("ncursesw", .when(platforms: [.linux])),
                .linkedLibrary("ncurses", .when(platforms: [.macOS])),
            ]),
        .target(name: "CursesUI", dependencies: ["Dashboard", "PSACore", "CNcurses"]),
        // Wiring: the poller, connections (demo, Autotask, Atera), theme lookup.
        .target(
            name: "PSAApp",
            dependencies: [
                "PSACore", "PSAClient", "Simulator", "Dashboard", "History",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "psatop",
            dependencies: [
                "PSACore", "PSAClient", "Simulator", "Dashboard", "CursesUI", "PSAApp", "History",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], plugins: ["BuildVersion"]),
        // Writes the version `--version` prints (git describe, else the CHANGELOG's) before each build.
        .plugin(name: "BuildVersion", capability: .buildTool(), path: "Plugins/BuildVersion"),
        // `swift run -c release client-bench`: pacing efficiency and limits, against the simulator.
        .executableTarget(
            name: "client-bench", dependencies: ["PSACore", "PSAClient", "Simulator"], path: "Benchmarks/ClientBench"),
        // `swift run -c release sim-bench`: requests per second the simulator serves; start-up with 100,000 tickets.
        .executableTarget(
            name: "sim-bench", dependencies: ["PSACore", "PSAClient", "Simulator"], path: "Benchmarks/SimBench"),
        // `swift run -c release poll-bench`: the dashboard's own quota cost per hour and the gap between shown and real count.
        .executableTarget(
            name: "poll-bench", dependencies: ["PSACore", "PSAClient", "Simulator", "PSAApp", "Dashboard"],
            path: "Benchmarks/PollBench"),
        // `swift run -c release ui-bench`: frame render time and memory with 100,000 tickets, decode time per page.
        .executableTarget(
            name: "ui-bench", dependencies: ["PSACore", "PSAClient", "Simulator", "Dashboard"],
            path: "Benchmarks/UIBench"),
        // `swift run -c release history-bench`: recording cost, `history --since 35d --by hour` over 4 tenants, store size.
        .executableTarget(
            name: "history-bench", dependencies: ["PSACore", "History", "Dashboard"], path: "Benchmarks/HistoryBench"),
        // What the test suites share, and only they: a scripted transport and test-clock drivers,
        // the simulator's tenants as APIs and profiles. A library no product depends on.
        .target(
            name: "PSATestSupport",
            dependencies: [
                "PSACore", "PSAClient", "Simulator", "PSAApp",
                .product(name: "Clocks", package: "swift-clocks"),
            ], path: "Tests/PSATestSupport"),
        .testTarget(name: "PSACoreTests", dependencies: ["PSACore"]),
        .testTarget(
            name: "PSAClientTests",
            dependencies: [
                "PSAClient", "Simulator", "PSATestSupport",
                .product(name: "Clocks", package: "swift-clocks"),
            ], exclude: ["Corpus"]),  // read by path, not bundled
        .testTarget(
            name: "SimulatorTests",
            dependencies: [
                "Simulator", "PSACore", "PSAClient", "PSATestSupport",
                .product(name: "Clocks", package: "swift-clocks"),  // BackgroundTests imports it
                // LyingServer: a small local server per way a server can lie.
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        // read by path, not bundled
        .testTarget(name: "DashboardTests", dependencies: ["Dashboard"], exclude: ["__Snapshots__"]),
        .testTarget(
            name: "PSAAppTests",
            dependencies: [
                "PSAApp", "PSAClient", "PSACore", "Simulator", "Dashboard", "CursesUI", "History", "PSATestSupport",
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        .testTarget(name: "EndToEndTests", dependencies: ["psatop"]),
        .testTarget(
            name: "HistoryTests",
            dependencies: [
                "History", "PSACore", "PSAClient", "Simulator",
                .product(name: "Clocks", package: "swift-clocks"),
            ]),
    ]
)
