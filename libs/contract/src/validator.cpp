#include "occupancy/contract/validator.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "occupancy/core/utf8.hpp"

namespace occupancy::contract {

struct Validator::Impl : rapidjson::IRemoteSchemaDocumentProvider {
  std::map<std::string, std::unique_ptr<rapidjson::SchemaDocument>, std::less<>> schemas;
  std::map<std::string, rapidjson::Document, std::less<>> sources;  // kept alive for the compiled schemas

  // Resolves "$ref": "reading.json#" between the contract's own files.
  // RapidJSON 1.1 passes a length one short of the file name; the $ref string itself is
  // NUL-terminated, so it is read whole and cut at '#'.
  const rapidjson::SchemaDocument* GetRemoteDocument(const char* uri, rapidjson::SizeType) override {
    std::string_view name(uri);
    if (const auto hash = name.find('#'); hash != std::string_view::npos) name = name.substr(0, hash);
    if (const auto slash = name.rfind('/'); slash != std::string_view::npos) name = name.substr(slash + 1);
    return load(name);
  }

  const rapidjson::SchemaDocument* load(std::string_view name) {
    if (auto it = schemas.find(name); it != schemas.end()) return it->second.get();
    for (const auto& file : proto::schema_files()) {
      if (file.name != name) continue;
      auto& d = sources[std::string(name)];
      if (d.Parse(file.text.data(), file.text.size()).HasParseError())
        throw std::runtime_error("contract schema " + std::string(name) + " is not valid JSON");
      auto doc = std::make_unique<rapidjson::SchemaDocument>(d, this);
      return schemas.emplace(std::string(name), std::move(doc)).first->second.get();
    }
    throw std::runtime_error("contract has no schema " + std::string(name));
  }
};

Validator::Validator() : impl_(std::make_unique<Impl>()) {
  for (const auto& file : proto::schema_files()) impl_->load(file.name);
}

Validator::~Validator() = default;

std::optional<ValidationError> Validator::check(std::string_view schema_file, const rapidjson::Value& doc) const {
  const auto it = impl_->schemas.find(schema_file);
  if (it == impl_->schemas.end())
    return ValidationError{"schema", "", "contract has no schema " + std::string(schema_file)};
  rapidjson::SchemaValidator v(*it->second);
  if (doc.Accept(v)) return std::nullopt;
  rapidjson::StringBuffer where, rule;
  v.GetInvalidDocumentPointer().StringifyUriFragment(where);
  v.GetInvalidSchemaPointer().StringifyUriFragment(rule);
  std::string pointer = where.GetString();
  if (!pointer.empty() && pointer[0] == '#') pointer.erase(0, 1);
  const std::string keyword = v.GetInvalidSchemaKeyword();
  return ValidationError{keyword, pointer,
                         "payload " + (pointer.empty() ? std::string("(root)") : pointer) + " violates '" + keyword +
                             "' of " + std::string(schema_file) + rule.GetString()};
}

std::variant<rapidjson::Document, ValidationError> Validator::parse(const proto::ChannelSpec& channel,
                                                                    std::string_view payload,
                                                                    const PayloadLimits& limits) const {
  // Size and nesting are checked before any parser sees the payload: RapidJSON's parser and
  // schema validator recurse once per level, and 200,000 nested '[' overflowed the stack.
  if (payload.size() > limits.bytes)
    return ValidationError{"size", "",
                           "payload of " + std::to_string(payload.size()) + " bytes is over the limit of " +
                               std::to_string(limits.bytes) + " (mqtt.max_payload_bytes)"};
  if (channel.content_type != "text/plain")
    if (const auto depth = json_nesting(payload, limits.nesting); depth > limits.nesting)
      return ValidationError{"nesting", "",
                             "JSON nested deeper than " + std::to_string(limits.nesting) + " levels is refused"};
  if (const auto bad = invalid_utf8_at(payload))
    return ValidationError{"encoding", "", "payload is not valid UTF-8 (byte " + std::to_string(*bad) + ")"};
  rapidjson::Document doc;
  if (channel.content_type == "text/plain") {
    doc.SetString(payload.data(), static_cast<rapidjson::SizeType>(payload.size()), doc.GetAllocator());
  } else if (doc.Parse<rapidjson::kParseFullPrecisionFlag>(payload.data(), payload.size()).HasParseError()) {
    return ValidationError{"parse", "",
                           std::string("malformed JSON at offset ") + std::to_string(doc.GetErrorOffset()) + ": " +
                               rapidjson::GetParseError_En(doc.GetParseError())};
  }
  if (auto err = check(channel.schema_file, doc)) return *err;
  return doc;
}

std::size_t json_nesting(std::string_view text, std::size_t stop_at) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > stop_at) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

const Validator& validator() {
  static const Validator instance;
  return instance;
}

}  // namespace occupancy::contract
