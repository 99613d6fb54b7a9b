#include "occupancy/config/yaml_json.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <regex>
#include <stdexcept>
#include <string>

namespace occupancy::config {
namespace {

using Alloc = rapidjson::Document::AllocatorType;

rapidjson::Value scalar(const YAML::Node& n, Alloc& a) {
  const std::string& s = n.Scalar();
  if (n.Tag() != "!") {  // plain (unquoted) scalar: infer the core schema's type
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return rapidjson::Value();
    if (s == "true" || s == "True" || s == "TRUE") return rapidjson::Value(true);
    if (s == "false" || s == "False" || s == "FALSE") return rapidjson::Value(false);
    static const std::regex integer(R"([-+]?[0-9]+)");
    static const std::regex real(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
    if (std::regex_match(s, integer)) {
      long long v = 0;
      const char* b = s.data() + (s[0] == '+' ? 1 : 0);
      if (std::from_chars(b, s.data() + s.size(), v).ec == std::errc{})
        return rapidjson::Value(static_cast<int64_t>(v));
    }
    if (std::regex_match(s, real)) return rapidjson::Value(std::stod(s));
  }
  return rapidjson::Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a);
}

rapidjson::Value convert(const YAML::Node& n, Alloc& a) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar:
      return scalar(n, a);
    case YAML::NodeType::Sequence: {
      rapidjson::Value arr(rapidjson::kArrayType);
      for (const auto& item : n) arr.PushBack(convert(item, a), a);
      return arr;
    }
    case YAML::NodeType::Map: {
      rapidjson::Value obj(rapidjson::kObjectType);
      for (const auto& kv : n) {
        const auto key = kv.first.as<std::string>();
        obj.AddMember(rapidjson::Value(key.c_str(), static_cast<rapidjson::SizeType>(key.size()), a),
                      convert(kv.second, a), a);
      }
      return obj;
    }
    default:
      return rapidjson::Value();
  }
}

}  // namespace

rapidjson::Document yaml_to_json(std::string_view yaml_text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    throw std::runtime_error("YAML syntax error at line " + std::to_string(e.mark.line + 1) + ", column " +
                             std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  rapidjson::Document doc;
  static_cast<rapidjson::Value&>(doc) = convert(root, doc.GetAllocator());
  return doc;
}

}  // namespace occupancy::config
