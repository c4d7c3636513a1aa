#include "link/reference.h"

namespace assetpipe::link {

void DecodedText::push_code_point(uint32_t cp, size_t raw_offset) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  auto put = [&](uint32_t byte) { push(static_cast<char>(byte), raw_offset); };
  if (cp < 0x80) {
    put(cp);
  } else if (cp < 0x800) {
    put(0xC0 | (cp >> 6));
    put(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    put(0xE0 | (cp >> 12));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  } else {
    put(0xF0 | (cp >> 18));
    put(0x80 | ((cp >> 12) & 0x3F));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  }
}

DecodedText DecodedText::mapped_through(const DecodedText& outer) const {
  DecodedText out;
  out.text = text;
  out.raw.reserve(raw.size());
  for (uint32_t r : raw) {
    out.raw.push_back(r < outer.raw.size() ? outer.raw[r] : outer.raw.back());
  }
  return out;
}

DecodedText DecodedText::trimmed() const {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; };
  size_t b = 0, e = text.size();
  while (b < e && space(text[b])) ++b;
  while (e > b && space(text[e - 1])) --e;
  DecodedText out;
  out.text = text.substr(b, e - b);
  out.raw.assign(raw.begin() + static_cast<long>(b), raw.begin() + static_cast<long>(e) + 1);
  return out;
}

DecodedText DecodedText::verbatim(std::string_view text, size_t offset) {
  DecodedText out;
  for (size_t i = 0; i < text.size(); ++i) out.push(text[i], offset + i);
  out.finish(offset + text.size());
  return out;
}

}  // namespace assetpipe::link
