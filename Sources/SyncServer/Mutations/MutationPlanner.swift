import Commands
import Domain
import Foundation
import SyncProtocol

/// Turns a named mutation with JSON arguments into a command of the domain and runs it.
///
/// The same table serves `POST /v1/sync/push` and the REST write API, so both validate and
/// decide identically. Authorization is the domain's: the planner only builds the command. Each
/// mutation's builder lives with its aggregate (`MutationPlanner+Todo.swift`, `+Order`, `+User`,
/// …); ``builders`` joins them into one table by mutation name.
public struct MutationPlanner: Sendable {
    /// The command service.
    public let commands: CommandService
    /// Most active devices one user may register (the device registry, `read.devices`, counts them).
    public let maxDevicesPerUser: Int

    /// Builds the command of one mutation.
    typealias Builder = @Sendable (_ planner: MutationPlanner, _ input: MutationInput) async throws(CommandError) -> PlannedCommand

    /// Every mutation's builder, by name (a test checks that every ``MutationName`` has one).
    static let builders: [MutationName: Builder] = [
        todoBuilders, notificationBuilders, announcementBuilders, orderBuilders, userBuilders, deviceBuilders,
        pushPreferencesBuilders, tenantBuilders,
    ].reduce(into: [:]) { table, family in table.merge(family) { first, _ in first } }

    /// Creates a planner.
    public init(commands: CommandService, maxDevicesPerUser: Int = 20) {
        self.commands = commands
        self.maxDevicesPerUser = maxDevicesPerUser
    }

    /// Runs mutation `name` with `args` for `envelope`'s principal.
    ///
    /// - Throws: ``CommandError``: `invalid` for an unknown name or bad arguments, otherwise the
    ///   domain's refusal (`forbidden`, `deleted`, `illegal_transition`, `not_found`, …).
    public func run(_ name: String, args: JSONValue, envelope: CommandEnvelope) async throws(CommandError) -> CommandOutcome {
        try await plan(name, args: args, envelope: envelope).run(on: commands, envelope: envelope)
    }

    /// Turns mutation `name` with `args` into a command for `envelope`'s principal, without running it.
    ///
    /// - Throws: ``CommandError`` `invalid` for an unknown name or bad arguments, `forbidden` when
    ///   the principal may not send it at all, `limit_exceeded` for a device over the cap.
    public func plan(_ name: String, args: JSONValue, envelope: CommandEnvelope) async throws(CommandError) -> PlannedCommand {
        guard let mutation = MutationName(rawValue: name), let build = Self.builders[mutation] else {
            throw CommandError(.invalid, "unknown mutation '\(name.prefix(64))'")
        }
        let arguments = try MutationArguments(args, name: name)
        guard let tenant = envelope.principal.tenantID else {
            throw CommandError(.forbidden, "sign in first")
        }
        return try await build(self, MutationInput(name: mutation, arguments: arguments, principal: envelope.principal, tenant: tenant))
    }
}
