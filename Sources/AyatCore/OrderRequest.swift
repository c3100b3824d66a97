import Foundation

/// The JSON a case system posts to `POST /v1/orders` (freeze, release or refund), before validation.
/// Every field is optional here so that validation can name each missing one.
public struct OrderRequest: Hashable, Sendable, Codable {
    public struct AccountPart: Hashable, Sendable, Codable {
        public var number: String?
        public var holderName: String?
        public init(number: String?, holderName: String?) {
            self.number = number
            self.holderName = holderName
        }
    }
    public struct AmountPart: Hashable, Sendable, Codable {
        public var value: String?
        public var currency: String?
        public init(value: String?, currency: String?) {
            self.value = value
            self.currency = currency
        }
    }
    public struct BeneficiaryPart: Hashable, Sendable, Codable {
        public var bank: String?
        public var number: String?
        public var holderName: String?
        public init(bank: String?, number: String?, holderName: String?) {
            self.bank = bank
            self.number = number
            self.holderName = holderName
        }
    }
    public struct TransferPart: Hashable, Sendable, Codable {
        public var reference: String?
        public var time: String?
        public init(reference: String?, time: String?) {
            self.reference = reference
            self.time = time
        }
    }

    public var type: String?
    public var caseId: String?
    public var bank: String?
    public var account: AccountPart?
    public var amount: AmountPart?
    public var reportedTransfer: TransferPart?
    public var legalBasis: String?
    public var requestedBy: String?
    /// When the victim reported the scam; the freeze deadline counts from here. Defaults to acceptance time.
    public var reportedAt: String?
    public var deadline: String?
    /// Refund: the victim's account.
    public var beneficiary: BeneficiaryPart?
    /// Release and refund: why.
    public var reason: String?
    /// Release and refund: the freeze order they act on.
    public var relatedOrderId: String?

    public init(
        type: String? = "freeze", caseId: String?, bank: String?, account: AccountPart?, amount: AmountPart?,
        reportedTransfer: TransferPart?, legalBasis: String?, requestedBy: String?, reportedAt: String? = nil, deadline: String? = nil,
        beneficiary: BeneficiaryPart? = nil, reason: String? = nil, relatedOrderId: String? = nil
    ) {
        self.type = type
        self.caseId = caseId
        self.bank = bank
        self.account = account
        self.amount = amount
        self.reportedTransfer = reportedTransfer
        self.legalBasis = legalBasis
        self.requestedBy = requestedBy
        self.reportedAt = reportedAt
        self.deadline = deadline
        self.beneficiary = beneficiary
        self.reason = reason
        self.relatedOrderId = relatedOrderId
    }

    /// Checks every field and builds the order, or reports every problem at once.
    /// `knownBanks` is the set of banks the gateway has a profile for.
    public func validated(
        id: OrderID, acceptedAt: Date, knownBanks: Set<BankCode>, clockSkew: TimeInterval = 300
    ) throws(OrderValidationError) -> Order {
        var problems = [FieldProblem]()
        func require<T>(_ value: T?, _ field: String) -> T? {
            if value == nil { problems.append(FieldProblem(field: field, reason: "is required")) }
            return value
        }
        func text(_ value: String?, _ field: String, max: Int) -> String? {
            guard let value = require(value, field) else { return nil }
            let trimmed = value.trimmingWhiteSpace
            if trimmed.isEmpty {
                problems.append(FieldProblem(field: field, reason: "must not be empty"))
                return nil
            }
            if !value.fits(max) || value.unicodeScalars.contains(where: \.isUnfitForText) {
                problems.append(FieldProblem(field: field, reason: "must be at most \(max) characters without control characters"))
                return nil
            }
            return value
        }

        let kind = OrderKind(rawValue: type ?? "freeze")
        if !OrderKind.all.contains(kind) {
            problems.append(FieldProblem(field: "type", reason: "must be one of \(OrderKind.all.map(\.rawValue).joined(separator: ", "))"))
        }
        var caseID: CaseID?
        if let raw = require(caseId, "caseId") {
            caseID = CaseID(raw)
            if caseID == nil { problems.append(FieldProblem(field: "caseId", reason: "must be 1-64 letters, digits or -_./")) }
        }
        var bankCode: BankCode?
        if let raw = require(bank, "bank") {
            bankCode = BankCode(raw)
            if bankCode == nil {
                problems.append(FieldProblem(field: "bank", reason: "must be a three-digit bank code"))
            } else if !knownBanks.contains(bankCode!) {
                problems.append(FieldProblem(field: "bank", reason: "no bank with code \(raw) is configured"))
                bankCode = nil
            }
        }
        var accountNumber: AccountNumber?
        var holder: HolderName?
        if let account = require(account, "account") {
            if let raw = require(account.number, "account.number") {
                accountNumber = AccountNumber(raw)
                if accountNumber == nil { problems.append(FieldProblem(field: "account.number", reason: "must be 6 to 20 digits")) }
            }
            if let raw = require(account.holderName, "account.holderName") {
                holder = HolderName(raw)
                if holder == nil {
                    problems.append(FieldProblem(field: "account.holderName", reason: "must be 1-140 characters, no control characters or surrounding spaces"))
                }
            }
        }
        var money: Money?
        if let amount = require(amount, "amount") {
            let currency = require(amount.currency, "amount.currency").flatMap { raw -> Currency? in
                let parsed = Currency(raw)
                if parsed == nil { problems.append(FieldProblem(field: "amount.currency", reason: "must be an ISO 4217 code such as THB")) }
                return parsed
            }
            if let raw = require(amount.value, "amount.value"), let currency {
                if let parsed = Money(decimal: raw, currency: currency), parsed.minorUnits > 0 {
                    money = parsed
                } else {
                    problems.append(FieldProblem(
                        field: "amount.value",
                        reason: "must be a positive decimal string with at most \(currency.minorDigits) decimals, e.g. \"15000.00\""
                    ))
                }
            }
        }
        var transfer: ReportedTransfer?
        if let part = require(reportedTransfer, "reportedTransfer") {
            let reference = text(part.reference, "reportedTransfer.reference", max: 35)
            var time: Date?
            if let raw = require(part.time, "reportedTransfer.time") {
                time = Timestamp.parse(raw)
                if time == nil {
                    problems.append(FieldProblem(field: "reportedTransfer.time", reason: "must be an RFC 3339 timestamp with a time zone"))
                } else if time! > acceptedAt.addingTimeInterval(clockSkew) {
                    problems.append(FieldProblem(field: "reportedTransfer.time", reason: "is in the future"))
                    time = nil
                }
            }
            if let reference, let time { transfer = ReportedTransfer(reference: reference, time: time) }
        }
        let legal = text(legalBasis, "legalBasis", max: 140)
        let officer = text(requestedBy, "requestedBy", max: 70)
        var reportTime = acceptedAt
        if let raw = reportedAt {
            if let parsed = Timestamp.parse(raw), parsed <= acceptedAt.addingTimeInterval(clockSkew) {
                reportTime = parsed
            } else {
                problems.append(FieldProblem(field: "reportedAt", reason: "must be an RFC 3339 timestamp with a time zone, not in the future"))
            }
        }
        var explicitDeadline: Date?
        if let raw = deadline {
            explicitDeadline = Timestamp.parse(raw)
            if explicitDeadline == nil {
                problems.append(FieldProblem(field: "deadline", reason: "must be an RFC 3339 timestamp with a time zone"))
            } else if explicitDeadline! <= reportTime {
                problems.append(FieldProblem(field: "deadline", reason: "must be after the report time"))
            }
        }

        var why: String?
        var beneficiaryAccount: BankAccount?
        if kind == .release || kind == .refund {
            why = text(reason, "reason", max: 35)
        }
        if kind == .refund, let part = require(beneficiary, "beneficiary") {
            let code = require(part.bank, "beneficiary.bank").flatMap { raw -> BankCode? in
                let parsed = BankCode(raw)
                if parsed == nil { problems.append(FieldProblem(field: "beneficiary.bank", reason: "must be a three-digit bank code")) }
                return parsed
            }
            let number = require(part.number, "beneficiary.number").flatMap { raw -> AccountNumber? in
                let parsed = AccountNumber(raw)
                if parsed == nil { problems.append(FieldProblem(field: "beneficiary.number", reason: "must be 6 to 20 digits")) }
                return parsed
            }
            let name = require(part.holderName, "beneficiary.holderName").flatMap { raw -> HolderName? in
                let parsed = HolderName(raw)
                if parsed == nil { problems.append(FieldProblem(field: "beneficiary.holderName", reason: "must be 1-140 characters, no control characters or surrounding spaces")) }
                return parsed
            }
            if let code, let number, let name { beneficiaryAccount = BankAccount(bank: code, account: Account(number: number, holderName: name)) }
        }
        var related: OrderID?
        if let raw = relatedOrderId {
            if raw.hasPrefix("ord_"), raw.count <= 64 {
                related = OrderID(rawValue: raw)
            } else {
                problems.append(FieldProblem(field: "relatedOrderId", reason: "must be an order id (ord_…)"))
            }
        }

        guard problems.isEmpty, let caseID, let bankCode, let accountNumber, let holder, let money, let transfer,
              let legal, let officer else {
            throw OrderValidationError(problems: problems)
        }
        let window = kind == .freeze ? Order.defaultFreezeWindow : Order.defaultSettlementWindow
        let clockStart = kind == .freeze ? reportTime : acceptedAt
        return Order(
            id: id, kind: kind, caseID: caseID, bank: bankCode,
            account: Account(number: accountNumber, holderName: holder), amount: money,
            reportedTransfer: transfer, legalBasis: legal, requestedBy: officer, reportedAt: reportTime,
            deadline: explicitDeadline ?? clockStart.addingTimeInterval(window),
            acceptedAt: acceptedAt, beneficiary: beneficiaryAccount, reason: why, relatedOrder: related
        )
    }
}
