import PushProviders
import Testing

/// Expects `body` to throw a ``PushProviderError`` with `code` and, when given, exactly `message`.
func expectPushProviderError<Result>(
    _ code: PushProviderError.Code, _ message: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    performing body: () throws -> Result
) {
    let error = #expect(throws: PushProviderError.self, sourceLocation: sourceLocation, performing: body)
    #expect(error?.code == code, sourceLocation: sourceLocation)
    if let message {
        #expect(error?.message == message, sourceLocation: sourceLocation)
    }
}
