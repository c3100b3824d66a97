import Foundation

/// rfc6962-tree.json
struct TreeVectors: Decodable {
    struct Levels: Decodable { let levels: [[String]] }
    let leaf_inputs: [String]
    let leaf_hashes: [String]
    let node_hashes_by_level: Levels
    let root_hashes_by_tree_size: [String: String]
}

/// rfc6962-proofs.json
struct ProofVectors: Decodable {
    struct Inclusion: Decodable {
        let leaf_index: UInt64
        let tree_size: UInt64
        let leaf_input: String
        let leaf_hash: String
        let proof: [String]
        let root: String
        let expected: String
    }
    struct Consistency: Decodable {
        let size1: UInt64
        let size2: UInt64
        let root1: String
        let root2: String
        let proof: [String]
        let expected: String
    }
    let inclusion: [Inclusion]
    let consistency: [Consistency]
}

/// transparency-dev-inclusion-probes.json
struct InclusionProbes: Decodable {
    struct Probe: Decodable {
        let leafIdx: UInt64
        let treeSize: UInt64
        let root: String
        let leafHash: String
        let proof: [String]?
        let desc: String
        let wantErr: Bool
    }
    struct Entry: Decodable { let file: String; let probe: Probe }
    let count: Int
    let probes: [Entry]
}

/// transparency-dev-consistency-probes.json
struct ConsistencyProbes: Decodable {
    struct Probe: Decodable {
        let size1: UInt64
        let size2: UInt64
        let root1: String
        let root2: String
        let proof: [String]?
        let desc: String
        let wantErr: Bool
    }
    struct Entry: Decodable { let file: String; let probe: Probe }
    let count: Int
    let probes: [Entry]
}

func base64Bytes(_ text: String) -> [UInt8] {
    Array(Data(base64Encoded: text) ?? Data())
}
