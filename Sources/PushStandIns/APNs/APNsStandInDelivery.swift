import Foundation

extension APNsStandIn {
    /// One notification the stand-in accepted (answered `200`).
    public struct Delivery: Sendable, Equatable {
        /// The device token from the path.
        public var token: String
        /// The `apns-id` answered: the request's, or a new one when it sent none.
        public var apnsID: String
        /// The request headers, names lowercased (the last value when a name repeats).
        public var headers: [String: String]
        /// The raw JSON body.
        public var payload: Data
        /// The `iat` of the provider token that authorised the request.
        public var providerTokenIssuedAt: Int

        /// The body parsed as a JSON object, `nil` when it is not one.
        public var payloadJSON: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: payload)) as? [String: Any]
        }
    }
}
