// swift-tools-version: 6.2
import PackageDescription

/// One settings array for every target, so the whole package builds under the same rules.
let swiftSettings: [SwiftSetting] = [
    // `any Protocol` spelled out everywhere: existentials are visible in the source.
    .enableUpcomingFeature("ExistentialAny"),
    // An `import` in one file does not leak its members into the others.
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Tidemark",
    platforms: [.macOS(.v15), .iOS(.v18)],
    products: [
        .library(name: "Basics", targets: ["Basics"]),
        .library(name: "Domain", targets: ["Domain"]),
        .library(name: "EventStore", targets: ["EventStore"]),
        .library(name: "Projections", targets: ["Projections"]),
        .library(name: "Privacy", targets: ["Privacy"]),
        .library(name: "Outbox", targets: ["Outbox"]),
        .library(name: "SyncProtocol", targets: ["SyncProtocol"]),
        .library(name: "Commands", targets: ["Commands"]),
        .library(name: "SyncServer", targets: ["SyncServer"]),
        .library(name: "SyncClient", targets: ["SyncClient"]),
        .library(name: "PushProviders", targets: ["PushProviders"]),
        .executable(name: "synccli", targets: ["synccli"]),
        .executable(name: "tidemark-bench", targets: ["Bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket.git", from: "1.6.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
    ],
    targets: [
        // What every layer shares, written once: JSON text (the `JSONValue` of the protocol and of
        // upcasters, the string escaper of hot paths), base64url, back-off. Foundation only, no I/O.
        .target(name: "Basics", swiftSettings: swiftSettings),
        // Pure domain: ids, commands, events, decide/evolve, the upcasters of old event payloads
        // (on Basics' `JSONValue`). Foundation and Basics only, no I/O.
        .target(name: "Domain", dependencies: ["Basics"], swiftSettings: swiftSettings),
        // The PostgreSQL event log: migrations, append, read, subscribe. Knows no domain types.
        .target(
            name: "EventStore",
            dependencies: [
                "Basics",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // Only the metrics API (no backend): the server hands the store a Prometheus factory.
                .product(name: "CoreMetrics", package: "swift-metrics"),
                // SHA-256 of the seal chain and of exports.
                .product(name: "Crypto", package: "swift-crypto"),
                // gzip and zstd of `synccli events export` files (the system's zlib and libzstd).
                .product(name: "CompressNIO", package: "compress-nio"),
                "CZstd",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The system's Zstandard library (libzstd-dev), for export files.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // Personal data at rest: the per-user data keys (outside the log), AES-GCM envelopes of
        // personal fields, revealing them on read and destroying a key on erasure. Knows no domain types.
        .target(
            name: "Privacy",
            dependencies: [
                "Basics", "Domain", "EventStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Read models built from the log.
        .target(
            name: "Projections",
            dependencies: [
                "Basics", "Domain", "EventStore", "Privacy",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The push outbox, the one owner of the push tables: their migrations, the projection that
        // enqueues deliveries, and the SQL dispatchers and operators run on them. No HTTP.
        .target(
            name: "Outbox",
            dependencies: [
                "Domain", "EventStore", "Projections", "PushProviders",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Push provider clients (APNs, FCM, Web Push, webhook): no database, no server.
        .target(
            name: "PushProviders",
            dependencies: [
                "Basics",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // Local servers that behave like APNs (raw HTTP/2, to script GOAWAY), FCM, Web Push services
        // and a webhook gateway (Hummingbird applications), for tests and `tidemark-bench push`.
        .target(
            name: "PushStandIns",
            dependencies: [
                "Basics", "PushProviders",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Wire types shared by the server and the client.
        .target(name: "SyncProtocol", dependencies: ["Basics"], swiftSettings: swiftSettings),
        // The command service, the only way domain data changes (load, decide, append, retry), the
        // password hashes (bcrypt, from hummingbird-auth's HummingbirdBcrypt, which needs no HTTP)
        // and the list of every migration: usable by the server, the CLI or a worker without HTTP.
        .target(
            name: "Commands",
            dependencies: [
                "Basics", "Domain", "EventStore", "Privacy", "Projections", "Outbox",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP server: auth, sync, REST writes, live pokes, push dispatch, metrics.
        .target(
            name: "SyncServer",
            dependencies: [
                "Basics", "Domain", "EventStore", "Projections", "Outbox", "Commands", "SyncProtocol", "PushProviders",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            resources: [.copy("Resources/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        // The client replica library for apps. Never links server code.
        .target(
            name: "SyncClient",
            dependencies: [
                "Basics", "SyncProtocol",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // What the command-line tools share: global options, failure reporting.
        .target(
            name: "CommandLineSupport",
            dependencies: [
                "Basics", "EventStore", "Projections",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The operator's CLI. Links no stand-in (nor swift-certificates): see `tidemark-bench`.
        .executableTarget(
            name: "synccli",
            dependencies: [
                "Basics", "Domain", "EventStore", "Privacy", "Projections", "Outbox", "Commands", "SyncProtocol", "SyncServer",
                "SyncClient", "PushProviders", "CommandLineSupport",
                // SymmetricKey of `bench privacy`.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                // The SQLite bulk-insert baseline of `bench sync`.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // `tidemark-bench`: the benchmarks that need the providers' stand-ins (`push`).
        .executableTarget(
            name: "Bench",
            dependencies: [
                "Domain", "EventStore", "Projections", "Outbox", "Commands", "SyncServer", "PushProviders", "PushStandIns",
                "CommandLineSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Shared test helpers: test databases copied from migrated templates, store harnesses,
        // `eventually`, the synccli process runner, a seeded random generator.
        .target(
            name: "TidemarkTestSupport",
            dependencies: [
                "EventStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TidemarkTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "DomainTests", dependencies: ["Basics", "Domain", "TidemarkTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "BcryptTests", dependencies: ["Commands"], swiftSettings: swiftSettings),
        // The hand-written JSON parser and writer of the wire types; no database.
        .testTarget(name: "SyncProtocolTests", dependencies: ["SyncProtocol", "TidemarkTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PushProvidersTests",
            dependencies: [
                "Basics", "PushProviders", "PushStandIns", "TidemarkTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EventStoreTests",
            dependencies: [
                "Basics", "EventStore", "TidemarkTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ProjectionsTests",
            dependencies: [
                "Projections", "Outbox", "EventStore", "Domain", "TidemarkTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SyncServerTests",
            dependencies: [
                "Basics", "SyncProtocol", "SyncServer", "Commands", "EventStore", "Projections", "Domain", "TidemarkTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SyncClientTests",
            dependencies: [
                "SyncClient", "SyncProtocol",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Failover drills and standby reads against the cluster of `make cluster`; they run only
        // when `make test-cluster` sets TIDEMARK_CLUSTER_URL (docs/operations.md#the-cluster).
        .testTarget(
            name: "ClusterTests",
            dependencies: [
                "SyncClient", "SyncProtocol", "Commands", "EventStore", "Domain", "PushStandIns", "TidemarkTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SyncTests",
            dependencies: [
                "SyncClient", "SyncServer", "Commands", "SyncProtocol", "Projections", "Outbox", "EventStore", "Domain", "TidemarkTestSupport",
                "PushProviders", "PushStandIns",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
