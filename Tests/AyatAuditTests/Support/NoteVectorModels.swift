import Foundation

/// c2sp-signed-note-examples.json
struct C2SPNoteExamples: Decodable {
    struct VerifierKey: Decodable {
        let vkey: String
        let key_name: String
        let key_id_hex: String
        let public_key_hex: String
    }
    struct Signature: Decodable {
        let key_name: String
        let key_id_hex: String
        let signature_len: Int
    }
    struct CheckpointFields: Decodable {
        let origin: String
        let tree_size: UInt64
        let root_hash_b64: String
        let root_hash_hex: String
        let extension_lines: [String]
    }
    struct Cosignature: Decodable {
        let key_name: String
        let key_id_hex: String
        let timestamp: UInt64
        let ed25519_signature_hex: String
        let signed_message: String
    }
    struct Example: Decodable {
        let id: String
        let note_text: String
        let signed_note: String
        let signatures: [Signature]
        let trusted_vkeys: [String]
        let expected: String
        let checkpoint: CheckpointFields?
        let cosignature: Cosignature?
    }
    let vkeys: [VerifierKey]
    let notes: [Example]
}

/// go-sumdb-note-vectors.json
struct GoNoteVectors: Decodable {
    struct Key: Decodable {
        let vkey: String
        let skey: String?
        let key_id_hex: String
        let public_key_hex: String
    }
    struct SignCase: Decodable {
        let skey: String
        let text: String
        let expected_signed_note: String
    }
    struct VerifierKeyCase: Decodable {
        let vkey: String
        let expected: String
    }
    struct Expected: Decodable {
        let result: String
        let verified: [String]?
        let unverified: [String]?
        let error: String?
    }
    struct OpenCase: Decodable {
        let name: String
        let trusted_vkeys: [String]
        let note: String?
        let note_hex: String?
        let expected: Expected
    }
    let keys: [String: Key]
    let text: String
    let signature_lines: [String: String]
    let sign_case: SignCase
    let vkey_cases: [VerifierKeyCase]
    let open_cases: [OpenCase]
}
