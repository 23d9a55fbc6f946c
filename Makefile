# Two commands on a fresh clone:  make run   |   make test
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help run setup test lint typecheck pytest clean

help:
	@echo "make run    建环境、迁移、导入参考和演示数据，启动 http://$(HOST):$(PORT)/"
	@echo "make test   建测试环境，运行 ruff（检查与格式）、分层约定、mypy 和全部 pytest（SQLite + PostgreSQL + 浏览器）"

# The environment is rebuilt when the dependency files change.
$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "需要 Python 3.11: " + sys.version' 
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-base: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	@touch $@ $(VENV)/.installed-base

setup: $(VENV)/.installed-base
	DEBUG=true $(BIN)/jiuye setup-demo

run: setup
	DEBUG=true $(BIN)/jiuye serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test
	scripts/ensure-system-deps.sh
	scripts/test.sh

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed-test
	SECRET_KEY=typecheck-only $(BIN)/mypy

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
