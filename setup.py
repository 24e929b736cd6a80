"""tornado-render: renders a reader's monthly recap as a vertical video and streams the render's progress."""

from setuptools import find_packages, setup

setup(
    name="tornado-render",
    version="0.1.0",
    description="Monthly reading recap videos rendered with Remotion, progress streamed over SSE.",
    python_requires=">=3.10",
    packages=find_packages(include=["tornado_render", "tornado_render.*"]),
    package_data={
        "tornado_render": [
            "py.typed",
            "template.schema.json",
            "jobs/lua/*.lua",
            "web/static/*",
            "web/static/samples/*",
            "web/static/fonts/*",
        ]
    },
    install_requires=[
        "tornado==6.6.1",
        "boto3==1.44.5",
        "marshmallow==4.4.0",
        # Validates templates against template.schema.json (exported from remotion/src/template/template.ts).
        "jsonschema==4.26.0",
        "structlog==26.1.0",
        "pillow==13.0.0",
        "prometheus-client==0.26.0",
        "apispec==6.10.1",
        "apispec-webframeworks==1.2.0",
        "pyyaml==6.0.4",
        "redis==8.1.0",
        "tqdm==4.70.1",
    ],
    extras_require={
        # What scripts/test needs in .venv to drive tox; tox builds its own environments from tox.ini.
        "dev": ["tox==4.67.13"],
    },
    entry_points={"console_scripts": ["tornado-render = tornado_render.cli:main"]},
)
