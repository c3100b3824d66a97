/// The Python side of the interop tests, kept as Swift string literals so SwiftPM has no
/// unhandled resource files; the tests write them into a temporary directory.
enum JoserfcScripts {
    /// `sign.py ALG MODE PRIVATE_KEY_PEM KID PAYLOAD_FILE` → prints a token.
    /// MODE: compact | detached | unencoded (detached with b64:false, RFC 7797).
    static let sign = #"""
        import sys
        from joserfc import jws
        from joserfc.jwk import ECKey, RSAKey

        alg, mode, key_path, kid, payload_path = sys.argv[1:6]
        with open(key_path, "rb") as f:
            pem = f.read()
        key = ECKey.import_key(pem) if alg.startswith("ES") else RSAKey.import_key(pem)
        with open(payload_path, "rb") as f:
            payload = f.read()
        header = {"alg": alg, "kid": kid}
        if mode == "unencoded":
            header.update({"b64": False, "crit": ["b64"]})
        token = jws.serialize_compact(header, payload, key, algorithms=[alg])
        if mode in ("detached", "unencoded"):
            # joserfc attaches a URL-safe unencoded payload; detach uniformly.
            token = token.split(".", 1)[0] + ".." + token.rsplit(".", 1)[1]
        sys.stdout.write(token)
        """#

    /// `verify.py ALG MODE PUBLIC_KEY_PEM TOKEN_FILE PAYLOAD_FILE` → exit 0 when the token verifies
    /// and carries exactly the payload; exit 1 with the reason otherwise.
    static let verify = #"""
        import sys
        from joserfc import jws
        from joserfc.jwk import ECKey, RSAKey
        from joserfc.registry import HeaderParameter

        alg, mode, key_path, token_path, payload_path = sys.argv[1:6]
        with open(key_path, "rb") as f:
            pem = f.read()
        key = ECKey.import_key(pem) if alg.startswith("ES") else RSAKey.import_key(pem)
        with open(token_path, "rb") as f:
            token = f.read().decode("ascii")
        with open(payload_path, "rb") as f:
            payload = f.read()
        # joserfc refuses header names it has not registered; Ayat's headers carry "iat".
        registry = jws.JWSRegistry(header_registry={"iat": HeaderParameter("Issued At", "int")}, algorithms=[alg])
        try:
            if mode == "compact":
                obj = jws.deserialize_compact(token, key, registry=registry)
            else:
                obj = jws.deserialize_compact(token, key, registry=registry, payload=payload)
        except Exception as error:
            print(f"refused: {type(error).__name__}: {error}")
            sys.exit(1)
        header = obj.headers()
        if obj.payload != payload:
            print("payload differs")
            sys.exit(1)
        if header.get("alg") != alg:
            print(f"alg {header.get('alg')} != {alg}")
            sys.exit(1)
        if mode == "unencoded" and not (header.get("b64") is False and "b64" in header.get("crit", [])):
            print("not an RFC 7797 header")
            sys.exit(1)
        print("ok")
        """#
}
