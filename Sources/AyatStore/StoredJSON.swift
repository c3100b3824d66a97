import Foundation
import AyatCore
import AyatJOSE

/// The JSON the store writes for the rows every order adds (timeline entries, events,
/// message headers, stored as BLOBs), built directly instead of through Foundation's `JSONEncoder`: inside
/// the one writer's transaction, the generic encoder was a third of the time. The shape is
/// what the synthesised `Codable` conformances read back (`Codecs.decoder`): keys sorted,
/// absent optionals left out, dates as seconds since 2001 (`deferredToDate`).
enum StoredJSON {
    static func encode(_ entry: TimelineEntry) -> Data {
        var members: [(String, JSONValue)] = [("at", date(entry.at))]
        if let attempt = entry.attempt { members.append(("attempt", .int(Int64(attempt)))) }
        if let detail = entry.detail { members.append(("detail", .string(detail))) }
        members.append(("event", .string(entry.event)))
        if let status = entry.httpStatus { members.append(("httpStatus", .int(Int64(status)))) }
        members.append(("messageIDs", .array(entry.messageIDs.map { .string($0.rawValue) })))
        if let outcome = entry.outcome { members.append(("outcome", .string(outcome))) }
        members.append(("state", .string(entry.state.rawValue)))
        return Data(JSONObject(members).encoded())
    }

    static func encode(_ event: GatewayEvent) -> Data {
        var members: [(String, JSONValue)] = [("at", date(event.at)), ("caseID", .string(event.caseID.rawValue))]
        if let detail = event.detail { members.append(("detail", .string(detail))) }
        members.append(("id", .string(event.id)))
        if let order = event.orderID { members.append(("orderID", .string(order.rawValue))) }
        members.append(("sequence", .int(event.sequence)))
        if let state = event.state { members.append(("state", .string(state.rawValue))) }
        members.append(("type", .string(event.type)))
        return Data(JSONObject(members).encoded())
    }

    static func encode(_ headers: [String: String]) -> Data {
        Data(JSONObject(headers.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }).encoded())
    }

    /// `deferredToDate`: a `Date` encodes itself as its seconds since 2001-01-01.
    private static func date(_ date: Date) -> JSONValue { .number(date.timeIntervalSinceReferenceDate) }
}
