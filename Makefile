# The two commands a newcomer needs: `make run` and `make test`.
.PHONY: run test setup lint format messages bench clean

run:        ## set up (apt, venv, migrate, demo city) and start web server + worker
	scripts/run.sh

test:       ## install what tests need, run ruff and the whole suite
	scripts/test.sh

setup:      ## only install system packages and the venv
	scripts/bootstrap.sh --test

lint:
	.venv/bin/ruff check .

format:
	.venv/bin/ruff format .

messages:   ## refresh locale/*/LC_MESSAGES/django.po from the code
	.venv/bin/python manage.py makemessages -l ja -l en --ignore=.venv --ignore=var --no-obsolete

bench:      ## print the benchmark figures as JSON
	.venv/bin/python manage.py bench_foundation

clean:
	rm -rf var .pytest_cache .ruff_cache
