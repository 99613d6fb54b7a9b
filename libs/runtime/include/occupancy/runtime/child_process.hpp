#pragma once
// Runs a helper program (pg_dump, pg_restore, tar; the trainer: occupancy train) to completion with extra environment
// variables, its output going to ours. Returns its exit code (127 if it could not be started).
#include <spawn.h>
#include <sys/wait.h>

#include <map>
#include <string>
#include <vector>

extern char** environ;

namespace occupancy::runtime {

inline int run_tool(const std::string& exe, const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& extra_env = {}) {
  std::vector<std::string> env_text;
  for (char** e = environ; *e; ++e) {
    const std::string kv = *e;
    if (!extra_env.count(kv.substr(0, kv.find('=')))) env_text.push_back(kv);
  }
  for (const auto& [k, v] : extra_env) env_text.push_back(k + "=" + v);
  std::vector<char*> envp, argv;
  for (auto& kv : env_text) envp.push_back(kv.data());
  envp.push_back(nullptr);
  std::string name = exe;
  argv.push_back(name.data());
  std::vector<std::string> copies = args;
  for (auto& a : copies) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, exe.c_str(), nullptr, nullptr, argv.data(), envp.data()) != 0) return 127;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace occupancy::runtime
