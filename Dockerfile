# Zero-to-Hero Explorer in a container: one Streamlit process (run N of them behind
# deploy/haproxy.cfg; see deploy/compose.yaml and docs/deploying.md, "On a school's server").
#
#   docker build -t zero-to-hero-explorer .
#   docker run -p 8501:8501 zero-to-hero-explorer
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# torch's CPU-only wheel first (the default index would fetch a multi-GB CUDA build), then
# the rest of the pins from requirements.txt.
COPY requirements.txt .
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
    && pip install -r requirements.txt

COPY .streamlit ./.streamlit
COPY dashboard.py ./
COPY pages ./pages
COPY ui ./ui
COPY models ./models
COPY engine ./engine
COPY data ./data
COPY serving ./serving

RUN useradd --create-home --uid 10001 explorer
USER explorer

EXPOSE 8501
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2).status != 200)"

# The same command tests/test_deploy.py runs for each process (there on a free port).
CMD ["streamlit", "run", "dashboard.py", "--server.port", "8501", "--server.address", "0.0.0.0", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
