// occupancy-ingestor: the only process that talks to Home Assistant. Walking skeleton: the
// HA WebSocket/REST source arrives with the ingestor issue; today it publishes the live
// event-time clock (one tick per wall-clock minute), which the cleaner and features follow.
#include "occupancy/contract/messages.hpp"
#include "occupancy/runtime/service.hpp"

using namespace occupancy;

int main(int argc, char** argv) {
  return runtime::run_service("ingestor", "Reads Home Assistant and publishes raw readings and the clock", argc, argv,
                              [](runtime::ServiceContext& ctx) {
                                auto last_tick = std::make_shared<Millis>(0);
                                ctx.every(std::chrono::seconds(1), [&ctx, last_tick] {
                                  const Millis minute = wall_clock_now() / kMinute * kMinute;
                                  if (minute == *last_tick) return;
                                  *last_tick = minute;
                                  ctx.router.publish(proto::channel::clock, {}, contract::clock_json(minute));
                                });
                              });
}
