#include "util/hash.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace assetpipe::util {

NameHasher::NameHasher() : state_(XXH3_createState()) {
  if (!state_) throw std::bad_alloc();
  XXH3_128bits_reset(state_);
}

NameHasher::~NameHasher() { XXH3_freeState(state_); }

void NameHasher::add(std::string_view field) {
  begin_field(field.size());
  update(field);
}

void NameHasher::begin_field(uint64_t n) {
  unsigned char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
  XXH3_128bits_update(state_, len, sizeof len);
}

void NameHasher::update(std::string_view piece) {
  XXH3_128bits_update(state_, piece.data(), piece.size());
}

std::string NameHasher::hex(size_t hex_chars) const {
  XXH128_hash_t h = XXH3_128bits_digest(state_);
  XXH128_canonical_t canon;
  XXH128_canonicalFromHash(&canon, h);
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char b : canon.digest) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  if (hex_chars < 10) hex_chars = 10;
  if (hex_chars > out.size()) hex_chars = out.size();
  out.resize(hex_chars);
  return out;
}

std::string name_hash(std::string_view bytes, size_t hex_chars) {
  NameHasher h;
  h.add(bytes);
  return h.hex(hex_chars);
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

namespace {

std::string digest(std::string_view bytes, const EVP_MD* type, const char* name) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &len, type, nullptr) != 1) {
    throw std::runtime_error(std::string(name) + " failed (OpenSSL)");
  }
  return std::string(reinterpret_cast<char*>(md), len);
}

}  // namespace

struct DigestStream::Impl {
  EVP_MD_CTX* sha384 = nullptr;
  EVP_MD_CTX* sha512 = nullptr;
};

namespace {

EVP_MD_CTX* new_digest(const EVP_MD* type) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (!ctx || EVP_DigestInit_ex(ctx, type, nullptr) != 1) {
    EVP_MD_CTX_free(ctx);
    throw std::runtime_error("cannot start a digest (OpenSSL)");
  }
  return ctx;
}

std::string finish_digest(EVP_MD_CTX* ctx) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx, md, &len) != 1) throw std::runtime_error("digest failed (OpenSSL)");
  return std::string(reinterpret_cast<char*>(md), len);
}

}  // namespace

DigestStream::DigestStream(bool sha512) : impl_(new Impl) {
  impl_->sha384 = new_digest(EVP_sha384());
  if (sha512) impl_->sha512 = new_digest(EVP_sha512());
}

DigestStream::~DigestStream() {
  EVP_MD_CTX_free(impl_->sha384);
  EVP_MD_CTX_free(impl_->sha512);
  delete impl_;
}

void DigestStream::update(std::string_view piece) {
  EVP_DigestUpdate(impl_->sha384, piece.data(), piece.size());
  if (impl_->sha512) EVP_DigestUpdate(impl_->sha512, piece.data(), piece.size());
}

namespace {
Sha384 to_sha384(const std::string& raw) {
  Sha384 out{};
  if (raw.size() != out.size()) throw std::runtime_error("SHA-384 gave a digest of another size (OpenSSL)");
  std::copy(raw.begin(), raw.end(), out.begin());
  return out;
}
}  // namespace

Sha384 DigestStream::sha384() { return to_sha384(finish_digest(impl_->sha384)); }

std::string DigestStream::sha512_base64() {
  return impl_->sha512 ? base64(finish_digest(impl_->sha512)) : std::string();
}

Sha384 sha384(std::string_view bytes) { return to_sha384(digest(bytes, EVP_sha384(), "SHA-384")); }

std::string sri_of(const Sha384& d) {
  return "sha384-" + base64(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

std::string sri_sha384(std::string_view bytes) { return sri_of(sha384(bytes)); }

std::string sri_digest(std::string_view bytes, std::string_view algorithm) {
  if (algorithm == "sha384") return sri_sha384(bytes);
  if (algorithm == "sha512") return "sha512-" + sha512_base64(bytes);
  if (algorithm == "sha256") return "sha256-" + base64(digest(bytes, EVP_sha256(), "SHA-256"));
  return "";
}

std::string sha512_base64(std::string_view bytes) {
  return base64(digest(bytes, EVP_sha512(), "SHA-512"));
}

std::string md5_hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest(bytes, EVP_md5(), "MD5")) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

}  // namespace assetpipe::util
