// A tokenizer for HTML (after the HTML5 tokenizer's states, minus error
// recovery details that do not move tag boundaries) and SVG/XML: tags with
// their attributes (character references decoded, each byte's source offset
// kept), comments skipped, and the raw text of <script> and <style>.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "link/reference.h"

namespace assetpipe::link {

struct MarkupAttribute {
  std::string name;   // lowercase
  DecodedText value;  // character references decoded; empty when there is no value
};

struct MarkupTag {
  std::string name;  // lowercase
  std::vector<MarkupAttribute> attributes;
  bool closing = false;
  // Offsets in the document: `begin` at its '<'; `insert_at` (start tags)
  // where more attributes can go (the '>' or the '/' of "/>"); `end` after
  // its '>'. An unterminated tag (the document ends inside it) has end == 0.
  size_t begin = 0;
  size_t insert_at = 0;
  size_t end = 0;

  // The first attribute called `name`, or nullptr.
  const MarkupAttribute* find(std::string_view attribute) const;
};

struct MarkupHandler {
  std::function<void(const MarkupTag&)> tag;
  // The content of <script> or <style> (a start tag already reported): bytes
  // [begin, end) of the document.
  std::function<void(const MarkupTag&, size_t begin, size_t end)> raw_text;
};

void tokenize_markup(std::string_view doc, bool xml, const MarkupHandler& handler);

// Decodes character references (&amp; &#38; &#x26; and the common named ones)
// in doc[begin, end).
DecodedText decode_character_references(std::string_view doc, size_t begin, size_t end);

}  // namespace assetpipe::link
