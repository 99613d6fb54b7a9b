#include "occupancy/contract/step.hpp"

#include <iterator>

namespace occupancy::contract {
namespace {

template <class T>
void move_append(std::vector<T>& to, std::vector<T>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  from.clear();
}

}  // namespace

void Step::append(Step&& later) {
  move_append(publications, later.publications);
  move_append(archive.raw, later.archive.raw);
  move_append(archive.clean, later.archive.clean);
  move_append(archive.states, later.archive.states);
  move_append(archive.gaps, later.archive.gaps);
  move_append(archive.predictions, later.archive.predictions);
  move_append(archive.shadow, later.archive.shadow);
  move_append(archive.outcomes, later.archive.outcomes);
  move_append(metrics, later.metrics);
  move_append(dead_letters, later.dead_letters);
  move_append(logs, later.logs);
}

std::vector<const Publication*> published_on(const Step& step, const proto::ChannelSpec& channel) {
  std::vector<const Publication*> out;
  for (const auto& p : step.publications)
    if (p.channel == &channel) out.push_back(&p);
  return out;
}

}  // namespace occupancy::contract
