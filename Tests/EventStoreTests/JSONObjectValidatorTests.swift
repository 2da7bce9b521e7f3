import Foundation
import Testing

@testable import EventStore

@Suite("JSON object validation")
struct JSONObjectValidatorTests {
    @Test(
        "valid JSON objects are accepted",
        arguments: [
            "{}", " { } ", #"{"a":1}"#, #"{"a":-0.5e+10,"b":[1,2,{"c":null}],"d":true,"e":false}"#,
            #"{"s":"esc \" \\ \/ \b \f \n \r \t \u00e9 \uD83D\uDE00"}"#, "{\"ü\":\"日本\"}", #"{"n":0,"m":10.25E-3}"#,
        ])
    func accepts(_ text: String) {
        #expect(JSONObjectValidator.isValidObject(Data(text.utf8)))
        // The slow reference agrees.
        #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8))) is [String: Any])
    }

    @Test(
        "anything else is refused",
        arguments: [
            "", "[]", "1", #""s""#, "{", "}", #"{"a"}"#, #"{"a":}"#, #"{"a":1,}"#, #"{a:1}"#, #"{"a":01}"#, #"{"a":1.}"#,
            #"{"a":.5}"#, #"{"a":tru}"#, #"{"a":"\x"}"#, #"{"a":"\u12"}"#, #"{"a":"\u0000"}"#, "{\"a\":\"\u{01}\"}",
            #"{} {}"#, #"{"a":[1,2}"#, #"{"a":-}"#, #"{"a":1e}"#, #"{"a":NaN}"#,
        ])
    func refuses(_ text: String) {
        #expect(!JSONObjectValidator.isValidObject(Data(text.utf8)))
    }

    @Test("nesting deeper than 512 is refused")
    func depth() {
        let deep = "{\"a\":" + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}"
        #expect(!JSONObjectValidator.isValidObject(Data(deep.utf8)))
    }
}
