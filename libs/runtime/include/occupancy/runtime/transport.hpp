#pragma once
// What the router needs of MQTT. Paho implements it in production; tests script it.
#include <string>

namespace occupancy::runtime {

class Transport {
 public:
  virtual ~Transport() = default;
  /// Must not drop: waits when the in-flight window is full.
  virtual void publish(const std::string& topic, const std::string& payload, int qos, bool retain) = 0;
};

}  // namespace occupancy::runtime
