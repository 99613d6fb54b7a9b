#pragma once
// Least privilege on the broker, generated from the topic contract: each service's MQTT user may
// write only the channels the AsyncAPI document names it producer of (x-producer; its own
// status and dead letters for "every service") and read only those it consumes (x-consumers).
#include <string>
#include <string_view>
#include <vector>

#include "occupancy/proto/contract.hpp"

namespace occupancy::contract {

/// The MQTT user of a contract role: "occupancy-<role>" for the five services and the trainer
/// (the CLI's model announcements), "homeassistant" and "occupancy-operator"; so a config user
/// name "occupancy-{service}" gives each its own (runtime::mqtt_options_for).
std::string mqtt_user_of(std::string_view role);

/// Whether `role` is named in the channel's x-producer (not counting "every service").
bool is_producer(const proto::ChannelSpec& channel, std::string_view role);

/// Every role with a user in the ACL: the services, the CLI, Home Assistant, operators.
std::vector<std::string> acl_roles();

/// A Mosquitto acl_file for one home: a `user` block per role, `topic read|write|readwrite`
/// lines with the home and discovery prefix filled in and other placeholders as '+'.
std::string mosquitto_acl(const std::string& home, const std::string& discovery_prefix);

}  // namespace occupancy::contract
