#ifndef AYAT_COPENSSL_SHIM_H
#define AYAT_COPENSSL_SHIM_H
// The system's OpenSSL libcrypto, used for one thing: RSA private-key operations, where its
// AVX-512 IFMA kernels run about twice as fast as BoringSSL's on CPUs that have them.
// BoringSSL, linked through swift-crypto and swift-nio-ssl, has prefixed symbols, so the two
// libraries do not clash.
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#endif
