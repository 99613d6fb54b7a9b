# Every dependency comes from a Debian 12 package (see deploy/packages.txt).
find_package(Threads REQUIRED)
find_package(PahoMqttCpp CONFIG REQUIRED)
find_package(Boost 1.74 CONFIG REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(OpenSSL REQUIRED)  # TLS to Home Assistant and Grafana (libs/http); libssl-dev
find_package(RapidJSON CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(yaml-cpp CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(Catch2 REQUIRED)

# RapidJSON ships no target; wrap its include dir so warnings in it stay quiet.
add_library(rapidjson INTERFACE IMPORTED GLOBAL)
target_include_directories(rapidjson SYSTEM INTERFACE ${RAPIDJSON_INCLUDE_DIRS})
target_compile_definitions(rapidjson INTERFACE RAPIDJSON_HAS_STDSTRING=1)

# libxgboost-dev's CMake config points at /usr/bin/xgboost (package xgboost);
# finding header and library directly works with or without it.
find_path(XGBOOST_INCLUDE_DIR xgboost/c_api.h REQUIRED)
find_library(XGBOOST_LIBRARY xgboost REQUIRED)
add_library(xgboost::xgboost UNKNOWN IMPORTED GLOBAL)
set_target_properties(xgboost::xgboost PROPERTIES
  IMPORTED_LOCATION ${XGBOOST_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${XGBOOST_INCLUDE_DIR})
