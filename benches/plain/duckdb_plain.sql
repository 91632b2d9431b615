-- The job of `mujun evaluate --method data/methods/ankang_default.toml --period 2025`, written for DuckDB as
-- an analyst would write it: typed reads (explicit column types; rows whose cells do not cast are skipped),
-- the first row of a repeated key, GROUP BY sums in whatever order the engine adds them (no file-order or
-- compensated sums), the preset's tracks, T rules, ratio-of-sums benchmarks per track, capped points,
-- track-mean points for missing emissions, bonus, penalties and vetoes, county position-share classes and
-- window ranks (class group = county, industry, track). It checks nothing the SQL does not need, except the
-- credit code's GB 32100 check digit: firms with a mistyped code would otherwise be scored, and move every
-- benchmark of their track (see docs/performance.md, ninth round). Writes enterprises.csv and by_county.csv.
-- The exact replica of mujun (file-order sums, every validation) is benches/duckdb/evaluate.sql.
-- Placeholders: {DATA} the input folder, {OUT} the output folder, {THREADS}. benches/plain/run_duckdb_plain.py
-- swaps each read_csv(...) for read_parquet(...) on Parquet inputs (typed numbers; dates are text there,
-- so dates are read as text here too and cast with TRY_CAST).
SET threads = {THREADS};

-- Enterprises: one row per credit code with a valid check digit.
CREATE TABLE ent AS
SELECT DISTINCT ON (enterprise_id)
  enterprise_id AS id, name, county, park, industry, scale,
  TRY_CAST(established AS DATE) AS established, TRY_CAST(production_start AS DATE) AS production_start,
  coalesce(tags, '') AS tags, rented_floor_m2
FROM read_csv('{DATA}/enterprises.csv', header = true, ignore_errors = true, columns = {
  'enterprise_id': 'VARCHAR', 'name': 'VARCHAR', 'county': 'VARCHAR', 'park': 'VARCHAR', 'industry': 'VARCHAR',
  'scale': 'VARCHAR', 'established': 'VARCHAR', 'tags': 'VARCHAR', 'production_start': 'VARCHAR',
  'rented_floor_m2': 'DOUBLE'})
WHERE substr('0123456789ABCDEFGHJKLMNPQRTUWXY', 1 + (31 - (
    (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', enterprise_id[1]) - 1) * 1
  + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', enterprise_id[2]) - 1) * 3
  + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', enterprise_id[3]) - 1) * 9
  + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', enterprise_id[4]) - 1) * 27
  + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', enterprise_id[5]) - 1) * 19
  + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', enterprise_id[6]) - 1) * 26
  + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', enterprise_id[7]) - 1) * 16
  + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', enterprise_id[8]) - 1) * 17
  + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', enterprise_id[9]) - 1) * 20
  + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', enterprise_id[10]) - 1) * 29
  + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', enterprise_id[11]) - 1) * 25
  + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', enterprise_id[12]) - 1) * 13
  + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', enterprise_id[13]) - 1) * 8
  + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', enterprise_id[14]) - 1) * 24
  + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', enterprise_id[15]) - 1) * 10
  + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', enterprise_id[16]) - 1) * 30
  + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', enterprise_id[17]) - 1) * 28) % 31) % 31, 1) = enterprise_id[18];

-- Land basis in 亩: 自有 + 租入 − 租出 (1 平方米 = 0.0015 亩, 1 公顷 = 15 亩), a sum per tenure as mujun adds them.
-- (One signed sum rounded to 0.001 亩 would be the decimal truth, but mujun's float sums put a few firms at
-- 2.9999999999999996 亩, out of the 规下 scope of 3 亩: see docs/performance.md, ninth round.)
CREATE TABLE land AS
WITH l AS (
  SELECT enterprise_id AS id, tenure, area * CASE unit WHEN '平方米' THEN 0.0015 WHEN '公顷' THEN 15 ELSE 1 END AS mu
  FROM read_csv('{DATA}/land.csv', header = true, ignore_errors = true, columns = {
    'enterprise_id': 'VARCHAR', 'parcel_id': 'VARCHAR', 'area': 'DOUBLE', 'unit': 'VARCHAR', 'tenure': 'VARCHAR'})
  WHERE area > 0
)
SELECT id, coalesce(sum(mu) FILTER (WHERE tenure = '自有'), 0) + coalesce(sum(mu) FILTER (WHERE tenure = '租入'), 0)
           - coalesce(sum(mu) FILTER (WHERE tenure = '租出'), 0) AS land
FROM l GROUP BY id;

-- Period sums of 2025 over one row per firm and quarter (the first of a repeated quarter).
CREATE TABLE o AS
WITH q AS (
  SELECT enterprise_id AS id, period, first(revenue) AS revenue, first(value_added) AS va, first(energy_tce) AS energy,
         first(emissions) AS emissions, first(rd_expense) AS rd, first(employees) AS employees
  FROM read_csv('{DATA}/output.csv', header = true, ignore_errors = true, columns = {
    'enterprise_id': 'VARCHAR', 'period': 'VARCHAR', 'revenue': 'DOUBLE', 'value_added': 'DOUBLE',
    'energy_tce': 'DOUBLE', 'emissions': 'DOUBLE', 'rd_expense': 'DOUBLE', 'employees': 'DOUBLE',
    'electricity_10k_kwh': 'DOUBLE', 'tech_invest': 'DOUBLE'})
  WHERE period IN ('2025Q1', '2025Q2', '2025Q3', '2025Q4') AND revenue IS NOT NULL
  GROUP BY enterprise_id, period
)
SELECT id, sum(revenue) AS revenue, sum(va) AS va, sum(energy) AS energy, sum(emissions) AS emissions, sum(rd) AS rd,
       avg(employees) AS employees, count(*) AS q_out
FROM q GROUP BY id;

CREATE TABLE t AS
WITH q AS (
  SELECT enterprise_id AS id, period, first(tax_paid) AS tax
  FROM read_csv('{DATA}/tax.csv', header = true, ignore_errors = true, columns = {
    'enterprise_id': 'VARCHAR', 'period': 'VARCHAR', 'tax_paid': 'DOUBLE'})
  WHERE period IN ('2025Q1', '2025Q2', '2025Q3', '2025Q4') AND tax_paid IS NOT NULL
  GROUP BY enterprise_id, period
)
SELECT id, sum(tax) AS tax, count(*) AS q_tax FROM q GROUP BY id;

-- Events of 2025: penalty points and vetoes.
CREATE TABLE ev AS
SELECT enterprise_id AS id,
  sum(CASE kind WHEN 'env_penalty' THEN -3 WHEN 'safety_accident_general' THEN -5 ELSE 0 END) AS penalty,
  bool_or(kind IN ('safety_accident_major', 'dishonesty_serious', 'env_violation_serious')) AS veto
FROM read_csv('{DATA}/events.csv', header = true, ignore_errors = true, columns = {
  'enterprise_id': 'VARCHAR', 'date': 'VARCHAR', 'kind': 'VARCHAR', 'note': 'VARCHAR'})
WHERE TRY_CAST(date AS DATE) BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'
GROUP BY enterprise_id;

-- One row per firm: facts, track, status (not scored, out of scope, T, vetoed, graded) and indicators.
CREATE TABLE v AS
WITH f AS (
  SELECT e.*, coalesce(l.land, 0) AS land, o.revenue, o.va, o.energy, o.emissions, o.rd, o.employees, t.tax,
    coalesce(o.q_out, 0) AS q_out, coalesce(t.q_tax, 0) AS q_tax,
    least(CASE WHEN contains(e.tags, '高新技术企业') THEN 3 ELSE 0 END + CASE WHEN contains(e.tags, '专精特新') THEN 2 ELSE 0 END
          + CASE WHEN contains(e.tags, '绿色工厂') THEN 2 ELSE 0 END, 5) AS bonus,
    coalesce(ev.penalty, 0) AS penalty, coalesce(ev.veto, false) AS veto,
    CASE WHEN coalesce(l.land, 0) <= 0 AND e.rented_floor_m2 > 0 THEN '租赁厂房' WHEN e.scale = '规上' THEN '规上' ELSE '规下' END AS track
  FROM ent e LEFT JOIN land l USING (id) LEFT JOIN o USING (id) LEFT JOIN t USING (id) LEFT JOIN ev USING (id)
), s AS (
  SELECT *, CASE
    WHEN land <= 0 THEN 'not_scored'
    WHEN track = '规下' AND NOT land >= 3 THEN 'out_of_scope'
    WHEN substr(industry, 1, 2) IN ('44', '45', '46') THEN 'undetermined'
    WHEN track = '规上' AND (production_start > DATE '2023-12-31' OR (production_start IS NULL AND established > DATE '2023-12-31')) THEN 'undetermined'
    WHEN track = '规上' AND (q_out < 4 OR q_tax < 4) THEN 'undetermined'
    WHEN track = '规下' AND q_tax < 4 THEN 'undetermined'
    WHEN veto THEN 'vetoed'
    ELSE 'graded' END AS status
  FROM f
)
SELECT *, status IN ('graded', 'vetoed') AS scored,
  tax / nullif(land, 0) AS tax_per_mu, va / nullif(land, 0) AS va_per_mu, va / nullif(energy, 0) AS va_per_tce,
  va / nullif(emissions, 0) AS va_per_emission, va / nullif(employees, 0) AS va_per_employee,
  rd / nullif(revenue, 0) AS rd_ratio, revenue / nullif(land, 0) AS revenue_per_mu
FROM s;

-- Benchmarks: each track's ratio of sums over its scored firms that have both figures.
CREATE TABLE bench AS
SELECT track,
  sum(tax) / sum(land) FILTER (WHERE tax IS NOT NULL) AS b_tax,
  sum(va) / sum(land) FILTER (WHERE va IS NOT NULL) AS b_va,
  sum(va) FILTER (WHERE energy <> 0) / sum(energy) FILTER (WHERE va IS NOT NULL AND energy <> 0) AS b_tce,
  sum(va) FILTER (WHERE emissions <> 0) / sum(emissions) FILTER (WHERE va IS NOT NULL AND emissions <> 0) AS b_em,
  sum(va) FILTER (WHERE employees <> 0) / sum(employees) FILTER (WHERE va IS NOT NULL AND employees <> 0) AS b_emp,
  sum(rd) FILTER (WHERE revenue <> 0) / sum(revenue) FILTER (WHERE rd IS NOT NULL AND revenue <> 0) AS b_rd,
  sum(revenue) / sum(land) FILTER (WHERE revenue IS NOT NULL) AS b_rev
FROM v WHERE scored GROUP BY track;

-- Points: value ÷ benchmark × weight, floor 0, cap 2 × weight; missing = 0, missing emissions = the track's mean.
-- (greatest and least skip NULLs in DuckDB, hence the CASE.)
CREATE MACRO pts(x, b, w) AS CASE WHEN x IS NOT NULL THEN least(greatest(x / b * w, 0), 2 * w) END;
CREATE TABLE scored AS
WITH p AS (
  SELECT v.*,
    coalesce(pts(tax_per_mu, b_tax, CASE WHEN track = '规上' THEN 30 ELSE 60 END), 0) AS p_tax,
    CASE WHEN track = '规上' THEN coalesce(pts(va_per_mu, b_va, 20), 0) END AS p_va,
    CASE WHEN track = '规上' THEN coalesce(pts(va_per_tce, b_tce, 20), 0) END AS p_tce,
    CASE WHEN track = '规上' THEN pts(va_per_emission, b_em, 10) END AS p_em0,
    CASE WHEN track = '规上' THEN coalesce(pts(va_per_employee, b_emp, 10), 0) END AS p_emp,
    CASE WHEN track = '规上' THEN coalesce(pts(rd_ratio, b_rd, 10), 0) END AS p_rd,
    CASE WHEN track = '规下' THEN coalesce(pts(revenue_per_mu, b_rev, 40), 0) END AS p_rev
  FROM v JOIN bench USING (track) WHERE scored
), m AS (
  SELECT *, CASE WHEN track = '规上' THEN coalesce(p_em0, avg(p_em0) OVER (PARTITION BY track)) END AS p_em FROM p
)
SELECT *, round(p_tax + coalesce(p_va, 0) + coalesce(p_tce, 0) + coalesce(p_em, 0) + coalesce(p_emp, 0)
                + coalesce(p_rd, 0) + coalesce(p_rev, 0) + bonus + penalty, 2) AS total
FROM m;

-- Ranks (vetoed after graded) in track and county (the class group), industry (2 digits) and track; classes by
-- the rank in track and county among the n graded firms there (A ≤ 20 %, B ≤ 60 %, C ≤ 95 %, else D; vetoed: D).
CREATE TABLE ranked AS
SELECT id, CASE WHEN veto THEN 'D' WHEN 100 * rank <= 20 * n THEN 'A' WHEN 100 * rank <= 60 * n THEN 'B'
                WHEN 100 * rank <= 95 * n THEN 'C' ELSE 'D' END AS class,
  rank, rank AS county_rank, industry_rank, track_rank, p_tax, p_va, p_tce, p_em, p_emp, p_rd, p_rev, total
FROM (
  SELECT *,
    row_number() OVER (PARTITION BY track, county ORDER BY veto, total DESC, tax_per_mu DESC NULLS LAST, id) AS rank,
    row_number() OVER (PARTITION BY track, substr(industry, 1, 2) ORDER BY veto, total DESC, tax_per_mu DESC NULLS LAST, id) AS industry_rank,
    row_number() OVER (PARTITION BY track ORDER BY veto, total DESC, tax_per_mu DESC NULLS LAST, id) AS track_rank,
    count(*) FILTER (WHERE NOT veto) OVER (PARTITION BY track, county) AS n
  FROM scored
);

COPY (
  SELECT v.id AS enterprise_id, v.name, v.county, v.park, v.industry, v.scale, v.track, v.status,
         round(v.land, 4) AS land_mu, round(v.tax_per_mu, 4) AS tax_per_mu, round(v.va_per_mu, 4) AS va_per_mu,
         round(v.va_per_tce, 4) AS va_per_tce, round(v.va_per_emission, 4) AS va_per_emission,
         round(v.va_per_employee, 4) AS va_per_employee, round(v.rd_ratio, 4) AS rd_ratio, round(v.revenue_per_mu, 4) AS revenue_per_mu,
         round(r.p_tax, 4) AS p_tax, round(r.p_va, 4) AS p_va, round(r.p_tce, 4) AS p_tce, round(r.p_em, 4) AS p_em,
         round(r.p_emp, 4) AS p_emp, round(r.p_rd, 4) AS p_rd, round(r.p_rev, 4) AS p_rev,
         CASE WHEN v.scored THEN v.bonus END AS bonus, CASE WHEN v.scored THEN v.penalty END AS penalty, r.total,
         CASE WHEN v.status = 'undetermined' THEN 'T' ELSE r.class END AS class,
         r.rank, r.county_rank, r.industry_rank, r.track_rank
  FROM v LEFT JOIN ranked r USING (id)
  ORDER BY v.track, r.track_rank NULLS LAST, v.id
) TO '{OUT}/enterprises.csv' (HEADER, DELIMITER ',');

COPY (
  SELECT county, count(*) AS enterprises, sum(land) AS land_mu, sum(tax) / sum(land) FILTER (WHERE tax IS NOT NULL) AS tax_per_mu,
         sum(va) / sum(land) FILTER (WHERE va IS NOT NULL) AS va_per_mu,
         count(*) FILTER (WHERE class = 'A') AS a, count(*) FILTER (WHERE class = 'B') AS b,
         count(*) FILTER (WHERE class = 'C') AS c, count(*) FILTER (WHERE class = 'D') AS d
  FROM v LEFT JOIN ranked USING (id) WHERE land > 0 GROUP BY ROLLUP (county) ORDER BY county NULLS LAST
) TO '{OUT}/by_county.csv' (HEADER, DELIMITER ',');
