import Domain

extension CommandError.Code {
    /// The command code of each domain refusal code: the same wire name, now with its HTTP status.
    ///
    /// The one place domain codes meet command codes; a test checks that every
    /// ``DomainError/Code/all`` has an entry with the same wire name.
    package static let byDomainCode: [DomainError.Code: CommandError.Code] = [
        .forbidden: .forbidden,
        .notFound: .notFound,
        .conflict: .conflict,
        .invalid: .invalid,
        .deleted: .deleted,
        .illegalTransition: .illegalTransition,
        .alreadyExists: .alreadyExists,
        .lastAdmin: .lastAdmin,
    ]

    /// The command code of a domain refusal code (``byDomainCode``).
    ///
    /// A domain code missing from the table (which the table's test rules out) becomes `invalid`.
    package init(_ code: DomainError.Code) {
        self = Self.byDomainCode[code] ?? .invalid
    }
}
