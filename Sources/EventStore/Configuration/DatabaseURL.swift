import Foundation
import NIOSSL
import PostgresNIO

/// Connection settings parsed from one `DATABASE_URL`, for example
/// `postgres://user:secret@db.example.com:5432/tidemark?sslmode=require`.
///
/// When `DATABASE_URL` is not set, Tidemark uses the private development database that
/// `make db` starts: `postgres://tidemark@127.0.0.1:54329/tidemark` (the port follows
/// `TIDEMARK_PG_PORT`).
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    /// How to use TLS.
    public enum TLSMode: String, Sendable, Hashable {
        /// Never use TLS.
        case disable
        /// Use TLS when the server offers it.
        case prefer
        /// Require TLS.
        case require
    }

    /// Host name or address.
    public var host: String
    /// TCP port.
    public var port: Int
    /// User name.
    public var username: String
    /// Password, if any.
    public var password: String?
    /// Database name.
    public var database: String
    /// TLS mode (`sslmode` query parameter; default `disable` on loopback, `prefer` elsewhere).
    public var tls: TLSMode

    /// Parses a `postgres://` or `postgresql://` URL.
    /// - Throws: ``EventStoreError/Code/invalidDatabaseURL`` with what is wrong.
    public init(_ string: String) throws(EventStoreError) {
        guard let components = URLComponents(string: string),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else {
            throw EventStoreError(.invalidDatabaseURL, "DATABASE_URL must look like postgres://user[:password]@host[:port]/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw EventStoreError(.invalidDatabaseURL, "DATABASE_URL has no host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw EventStoreError(.invalidDatabaseURL, "DATABASE_URL has no user name")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else {
            throw EventStoreError(.invalidDatabaseURL, "DATABASE_URL has no database name after the host")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        let isLoopback = host == "127.0.0.1" || host == "localhost" || host == "::1"
        if let mode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value {
            switch mode {
            case "disable", "allow": self.tls = .disable
            case "prefer": self.tls = .prefer
            case "require", "verify-ca", "verify-full": self.tls = .require
            default:
                throw EventStoreError(.invalidDatabaseURL, "DATABASE_URL sslmode '\(mode)' is not one of disable, prefer, require")
            }
        } else {
            self.tls = isLoopback ? .disable : .prefer
        }
    }

    /// The URL of the private development database started by `make db`.
    public static func privateDevelopment(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let port = environment["TIDEMARK_PG_PORT"] ?? "54329"
        let name = environment["TIDEMARK_DB_NAME"] ?? "tidemark"
        return "postgres://tidemark@127.0.0.1:\(port)/\(name)"
    }

    /// `DATABASE_URL` from the environment, or the private development database when it is unset.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(EventStoreError) -> DatabaseURL {
        let raw = environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? privateDevelopment(environment: environment)
        return try DatabaseURL(raw)
    }

    /// The same server with another database name.
    public func withDatabase(_ name: String) -> DatabaseURL {
        var copy = self
        copy.database = name
        return copy
    }

    /// The URL with the password masked, safe to log.
    public var description: String {
        let auth = password == nil ? username : "\(username):***"
        return "postgres://\(auth)@\(host):\(port)/\(database)"
    }

    /// A `PostgresClient` configuration for this URL.
    /// - Parameters:
    ///   - maximumConnections: The pool's maximum size.
    ///   - applicationName: Shown in `pg_stat_activity.application_name`.
    public func clientConfiguration(maximumConnections: Int = 20, applicationName: String = "tidemark") -> PostgresClient.Configuration {
        let tlsConfig: PostgresClient.Configuration.TLS
        switch tls {
        case .disable: tlsConfig = .disable
        case .prefer: tlsConfig = .prefer(.makeClientConfiguration())
        case .require: tlsConfig = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tlsConfig
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.additionalStartupParameters = Self.startupParameters(applicationName: applicationName)
        return configuration
    }

    /// The session settings every connection starts with: its name in `pg_stat_activity`, and
    /// UTC as the time zone, so that timestamps rendered or truncated to days in SQL never depend
    /// on the server's setting (and no request spends a round trip on `SET TimeZone`).
    ///
    /// (`plan_cache_mode = force_generic_plan` would stop PostgreSQL from re-planning the prepared
    /// statements whose array parameters make a custom plan look cheaper, but it applies to the
    /// unnamed statements too, whose plans must see their values: not set.)
    static func startupParameters(applicationName: String) -> [(String, String)] {
        [("application_name", applicationName), ("TimeZone", "UTC")]
    }

    /// A configuration for one dedicated `PostgresConnection` (outside the pool), for work that must
    /// own its session, such as holding an advisory-lock lease that ends when the connection does.
    /// - Parameter applicationName: Shown in `pg_stat_activity.application_name`.
    /// - Throws: When the TLS context cannot be created.
    public func connectionConfiguration(applicationName: String = "tidemark") throws -> PostgresConnection.Configuration {
        let tlsConfig: PostgresConnection.Configuration.TLS
        switch tls {
        case .disable: tlsConfig = .disable
        case .prefer: tlsConfig = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tlsConfig = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tlsConfig
        )
        configuration.options.additionalStartupParameters = Self.startupParameters(applicationName: applicationName)
        return configuration
    }
}
