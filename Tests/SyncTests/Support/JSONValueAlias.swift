import SyncProtocol

/// The protocol's JSON value (another imported module also names a type `JSONValue`).
typealias JSONValue = SyncProtocol.JSONValue
