import AyatCore
import AyatJOSE

/// Reads `POST /v1/orders` bodies with the strict JSON parser rather than `JSONDecoder`,
/// which was most of what decoding an order cost. It reads what `OrderRequest`'s `Codable`
/// form reads: every field optional, `null` as absent, unknown members ignored. A value of the
/// wrong JSON type is named by its path (`amount.value`), as the decoder's `typeMismatch` was.
/// It is stricter than Foundation in one way: a member name given twice is malformed JSON.
public enum OrderRequestJSON {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// Not a JSON object at all: a 400.
        case malformed(String)
        /// A member of the wrong JSON type: a 422 naming the field.
        case wrongType(field: String, expected: String)

        public var description: String {
            switch self {
            case .malformed(let reason): "the body is not a JSON object: \(reason)"
            case .wrongType(let field, let expected): "\(field) must be \(expected)"
            }
        }
    }

    /// Throws `Failure`.
    public static func read(_ body: [UInt8]) throws -> OrderRequest {
        let object: JSONObject
        do {
            object = try JSONObject.parse(body)
        } catch let error as JWSError {
            throw Failure.malformed(error.reason)
        } catch {
            throw Failure.malformed("\(error)")
        }
        let order = Members(object: object, path: "")
        let account = try order.object("account")
        let amount = try order.object("amount")
        let transfer = try order.object("reportedTransfer")
        let beneficiary = try order.object("beneficiary")
        return OrderRequest(
            type: try order.string("type"), caseId: try order.string("caseId"), bank: try order.string("bank"),
            account: try account.map { .init(number: try $0.string("number"), holderName: try $0.string("holderName")) },
            amount: try amount.map { .init(value: try $0.string("value"), currency: try $0.string("currency")) },
            reportedTransfer: try transfer.map { .init(reference: try $0.string("reference"), time: try $0.string("time")) },
            legalBasis: try order.string("legalBasis"), requestedBy: try order.string("requestedBy"),
            reportedAt: try order.string("reportedAt"), deadline: try order.string("deadline"),
            beneficiary: try beneficiary.map {
                .init(bank: try $0.string("bank"), number: try $0.string("number"), holderName: try $0.string("holderName"))
            },
            reason: try order.string("reason"), relatedOrderId: try order.string("relatedOrderId")
        )
    }

    private struct Members {
        let object: JSONObject
        /// The path to this object's members, ending in a dot unless it is the body itself.
        let path: String

        func string(_ name: String) throws -> String? {
            switch object[name] {
            case nil, .null?: return nil
            case .string(let value)?: return value
            default: throw Failure.wrongType(field: path + name, expected: "a string")
            }
        }

        func object(_ name: String) throws -> Members? {
            switch object[name] {
            case nil, .null?: return nil
            case .object(let value)?: return Members(object: value, path: "\(path)\(name).")
            default: throw Failure.wrongType(field: path + name, expected: "an object")
            }
        }
    }
}
