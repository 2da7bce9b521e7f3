/// `JSONValue`, the protocol's value of any shape, lives in `Basics` with the JSON text reader and
/// writer it shares with the event store; every user of the protocol sees it through this module.
@_exported import Basics
