-- The peer of `mujun evaluate --method data/methods/ankang_default.toml --period 2025` written as SQL for
-- DuckDB, on the same input files. It does the same job as mujun on the generator's data: validates ids
-- (GB 32100 check digit), types and links every row (text in number cells, unknown ids, duplicates and
-- non-positive areas excluded), land basis, period sums, tracks (租赁厂房, 规上, 规下 with land >= 3 亩),
-- T rules, ratio-of-sums benchmarks, capped points, track-mean points for missing emissions, tag bonus
-- (capped), event penalties and vetoes, totals, county position-share classes, ranks, the county table,
-- and writes enterprises.csv and by_county.csv. It writes no exceptions file, explanation or XLSX.
-- Placeholders: {DATA} the input folder, {OUT} the output folder, {THREADS}.
SET threads = {THREADS};
SET preserve_insertion_order = true;

CREATE MACRO num(x) AS TRY_CAST(replace(trim(x), ',', '') AS DOUBLE);
CREATE MACRO norm_id(x) AS upper(replace(trim(x), ' ', ''));
CREATE MACRO id_ok(id) AS length(id) = 18
  AND regexp_full_match(id, '[0-9A-HJ-NPQRTUWXY]{18}')
  AND substr('0123456789ABCDEFGHJKLMNPQRTUWXY',
        CAST(((31 - list_sum(list_transform(range(1, 18), lambda i:
            (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(id, i, 1)) - 1)
            * [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28][i])) % 31) % 31) + 1 AS BIGINT), 1) = substr(id, 18, 1);

-- Enterprises: valid id, scale, industry and county; the first row of a duplicated id is used.
CREATE TABLE ent AS
WITH raw AS (
  SELECT row_number() OVER () AS line, norm_id(enterprise_id) AS id, trim(name) AS name, trim(county) AS county,
         trim(park) AS park, regexp_replace(trim(industry), '^[A-Za-z]', '') AS industry, trim(scale) AS scale,
         TRY_CAST(established AS DATE) AS established, TRY_CAST(production_start AS DATE) AS production_start,
         coalesce(tags, '') AS tags, num(rented_floor_m2) AS rented_floor_m2
  FROM read_csv('{DATA}/enterprises.csv', all_varchar = true, header = true)
)
SELECT * FROM raw
WHERE id_ok(id) AND scale IN ('规上', '规下') AND regexp_full_match(industry, '[0-9]{2,4}') AND county <> ''
QUALIFY row_number() OVER (PARTITION BY id ORDER BY line) = 1;

-- Land in 亩, linked to a valid enterprise, positive, identical rows once.
CREATE TABLE land AS
SELECT e.id, l.line, l.parcel_id, l.tenure, l.area * CASE l.unit WHEN '亩' THEN 1 WHEN '平方米' THEN 0.0015 WHEN '公顷' THEN 15 END AS mu
FROM (SELECT row_number() OVER () AS line, norm_id(enterprise_id) AS id, trim(parcel_id) AS parcel_id, num(area) AS area, trim(unit) AS unit, trim(tenure) AS tenure
      FROM read_csv('{DATA}/land.csv', all_varchar = true, header = true)) l
JOIN (SELECT id FROM ent) e USING (id)
WHERE l.area > 0 AND l.unit IN ('亩', '平方米', '公顷') AND l.tenure IN ('自有', '租入', '租出') AND l.parcel_id <> ''
QUALIFY row_number() OVER (PARTITION BY e.id, l.parcel_id, l.tenure, mu ORDER BY l.line) = 1;

-- Quarterly output and tax of the four quarters of 2025 (typed rows of every period are checked first).
CREATE TABLE output AS
WITH raw AS (
  SELECT row_number() OVER () AS line, norm_id(enterprise_id) AS id, upper(trim(period)) AS period,
         revenue, value_added, energy_tce, emissions, rd_expense, employees
  FROM read_csv('{DATA}/output.csv', all_varchar = true, header = true)
), typed AS (
  SELECT line, id, period, num(revenue) AS revenue, num(value_added) AS value_added, num(energy_tce) AS energy_tce,
         num(emissions) AS emissions, num(rd_expense) AS rd_expense, num(employees) AS employees,
         (revenue IS NULL OR num(revenue) IS NOT NULL) AND (value_added IS NULL OR num(value_added) IS NOT NULL)
         AND (energy_tce IS NULL OR num(energy_tce) IS NOT NULL) AND (emissions IS NULL OR num(emissions) IS NOT NULL)
         AND (rd_expense IS NULL OR num(rd_expense) IS NOT NULL) AND (employees IS NULL OR num(employees) IS NOT NULL) AS ok
  FROM raw
)
SELECT t.* EXCLUDE (ok) FROM typed t JOIN (SELECT id FROM ent) USING (id)
WHERE ok AND regexp_full_match(period, '[0-9]{4}Q[1-4]')
  AND coalesce(revenue, 0) >= 0 AND coalesce(energy_tce, 0) >= 0 AND coalesce(emissions, 0) >= 0
  AND coalesce(rd_expense, 0) >= 0 AND coalesce(employees, 0) >= 0
QUALIFY row_number() OVER (PARTITION BY id, period ORDER BY line) = 1;

CREATE TABLE tax AS
SELECT line, id, period, tax_paid FROM (
  SELECT row_number() OVER () AS line, norm_id(enterprise_id) AS id, upper(trim(period)) AS period, num(tax_paid) AS tax_paid
  FROM read_csv('{DATA}/tax.csv', all_varchar = true, header = true)
) JOIN (SELECT id FROM ent) USING (id)
WHERE tax_paid IS NOT NULL AND regexp_full_match(period, '[0-9]{4}Q[1-4]')
QUALIFY row_number() OVER (PARTITION BY id, period ORDER BY line) = 1;

CREATE TABLE events AS
SELECT norm_id(enterprise_id) AS id, TRY_CAST(date AS DATE) AS date, trim(kind) AS kind
FROM read_csv('{DATA}/events.csv', all_varchar = true, header = true) JOIN ent ON ent.id = norm_id(enterprise_id)
WHERE TRY_CAST(date AS DATE) BETWEEN DATE '2025-01-01' AND DATE '2025-12-31';

-- Facts of 2025: land basis (自有 + 租入 − 租出), period sums, quarters reported.
CREATE TABLE facts AS
WITH l AS (
  SELECT id, coalesce(sum(mu ORDER BY line) FILTER (WHERE tenure = '自有'), 0) + coalesce(sum(mu ORDER BY line) FILTER (WHERE tenure = '租入'), 0)
             - coalesce(sum(mu ORDER BY line) FILTER (WHERE tenure = '租出'), 0) AS land
  FROM land GROUP BY id
), o AS (
  SELECT id, sum(revenue ORDER BY line) AS revenue, sum(value_added ORDER BY line) AS va, sum(energy_tce ORDER BY line) AS energy,
         sum(emissions ORDER BY line) AS emissions, sum(rd_expense ORDER BY line) AS rd,
         sum(employees ORDER BY line) / count(employees) AS employees, count(*) AS q_out
  FROM output WHERE period IN ('2025Q1', '2025Q2', '2025Q3', '2025Q4') GROUP BY id
), t AS (
  SELECT id, sum(tax_paid ORDER BY line) AS tax, count(*) AS q_tax FROM tax WHERE period IN ('2025Q1', '2025Q2', '2025Q3', '2025Q4') GROUP BY id
), b AS (
  SELECT e.id, least(coalesce(sum(CASE WHEN contains(e.tags, '高新技术企业') THEN 3 ELSE 0 END), 0)
         + coalesce(sum(CASE WHEN contains(e.tags, '专精特新') THEN 2 ELSE 0 END), 0)
         + coalesce(sum(CASE WHEN contains(e.tags, '绿色工厂') THEN 2 ELSE 0 END), 0), 5) AS bonus
  FROM ent e GROUP BY e.id
), ev AS (
  SELECT id, sum(CASE kind WHEN 'env_penalty' THEN -3 WHEN 'safety_accident_general' THEN -5 ELSE 0 END) AS penalty,
         bool_or(kind IN ('safety_accident_major', 'dishonesty_serious', 'env_violation_serious')) AS veto
  FROM events GROUP BY id
)
SELECT e.*, coalesce(l.land, 0) AS land, o.revenue, o.va, o.energy, o.emissions, o.rd, o.employees, t.tax,
       coalesce(o.q_out, 0) AS q_out, coalesce(t.q_tax, 0) AS q_tax, b.bonus, coalesce(ev.penalty, 0) AS penalty,
       coalesce(ev.veto, false) AS veto,
       CASE WHEN coalesce(l.land, 0) <= 0 AND e.rented_floor_m2 > 0 THEN '租赁厂房' WHEN e.scale = '规上' THEN '规上' ELSE '规下' END AS track
FROM ent e LEFT JOIN l USING (id) LEFT JOIN o USING (id) LEFT JOIN t USING (id) JOIN b USING (id) LEFT JOIN ev USING (id);

-- Status: not scored (no land), out of scope (规下 < 3 亩), T (utilities, new, incomplete), vetoed, graded.
CREATE TABLE st AS
SELECT *, CASE
  WHEN land <= 0 THEN 'not_scored'
  WHEN track = '规下' AND NOT land >= 3 THEN 'out_of_scope'
  WHEN substr(industry, 1, 2) IN ('44', '45', '46') THEN 'undetermined'
  WHEN track = '规上' AND (production_start > DATE '2023-12-31' OR (production_start IS NULL AND established > DATE '2023-12-31')) THEN 'undetermined'
  WHEN track = '规上' AND (q_out < 4 OR q_tax < 4) THEN 'undetermined'
  WHEN track = '规下' AND q_tax < 4 THEN 'undetermined'
  WHEN veto THEN 'vetoed'
  ELSE 'graded' END AS status
FROM facts;

-- Indicator values (NULL: missing or zero denominator) of the scored firms.
CREATE TABLE v AS
SELECT *, status IN ('graded', 'vetoed') AS scored,
  tax / nullif(land, 0) AS tax_per_mu, va / nullif(land, 0) AS va_per_mu, va / nullif(energy, 0) AS va_per_tce,
  va / nullif(emissions, 0) AS va_per_emission, va / nullif(employees, 0) AS va_per_employee,
  rd / nullif(revenue, 0) AS rd_ratio, revenue / nullif(land, 0) AS revenue_per_mu
FROM st;

-- Benchmarks: the track's city-wide ratio of sums over its scored firms with both figures.
CREATE TABLE bench AS
SELECT track,
  sum(tax ORDER BY line) FILTER (WHERE tax IS NOT NULL) / sum(land ORDER BY line) FILTER (WHERE tax IS NOT NULL) AS b_tax,
  sum(va ORDER BY line) FILTER (WHERE va IS NOT NULL) / sum(land ORDER BY line) FILTER (WHERE va IS NOT NULL) AS b_va,
  sum(va ORDER BY line) FILTER (WHERE va IS NOT NULL AND energy <> 0) / sum(energy ORDER BY line) FILTER (WHERE va IS NOT NULL AND energy <> 0) AS b_tce,
  sum(va ORDER BY line) FILTER (WHERE va IS NOT NULL AND emissions <> 0) / sum(emissions ORDER BY line) FILTER (WHERE va IS NOT NULL AND emissions <> 0) AS b_em,
  sum(va ORDER BY line) FILTER (WHERE va IS NOT NULL AND employees <> 0) / sum(employees ORDER BY line) FILTER (WHERE va IS NOT NULL AND employees <> 0) AS b_emp,
  sum(rd ORDER BY line) FILTER (WHERE rd IS NOT NULL AND revenue <> 0) / sum(revenue ORDER BY line) FILTER (WHERE rd IS NOT NULL AND revenue <> 0) AS b_rd,
  sum(revenue ORDER BY line) FILTER (WHERE revenue IS NOT NULL) / sum(land ORDER BY line) FILTER (WHERE revenue IS NOT NULL) AS b_rev
FROM v WHERE scored GROUP BY track;

CREATE MACRO pts(x, b, w) AS CASE WHEN x IS NOT NULL AND b IS NOT NULL THEN least(greatest(x / b * w, 0), 2 * w) END;
CREATE TABLE p AS
WITH p0 AS (
  SELECT v.*, CASE WHEN v.track = '规上' THEN coalesce(pts(tax_per_mu, b_tax, 30), 0) ELSE coalesce(pts(tax_per_mu, b_tax, 60), 0) END AS p_tax,
    CASE WHEN v.track = '规上' THEN coalesce(pts(va_per_mu, b_va, 20), 0) END AS p_va,
    CASE WHEN v.track = '规上' THEN coalesce(pts(va_per_tce, b_tce, 20), 0) END AS p_tce,
    CASE WHEN v.track = '规上' THEN pts(va_per_emission, b_em, 10) END AS p_em,
    CASE WHEN v.track = '规上' THEN coalesce(pts(va_per_employee, b_emp, 10), 0) END AS p_emp,
    CASE WHEN v.track = '规上' THEN coalesce(pts(rd_ratio, b_rd, 10), 0) END AS p_rd,
    CASE WHEN v.track = '规下' THEN coalesce(pts(revenue_per_mu, b_rev, 40), 0) END AS p_rev
  FROM v LEFT JOIN bench USING (track) WHERE v.scored
)
SELECT p0.*, CASE WHEN track = '规上' THEN coalesce(p_em, mean_em) END AS p_em2
FROM p0 LEFT JOIN (SELECT track, sum(p_em ORDER BY line) / count(p_em) AS mean_em FROM p0 GROUP BY track) USING (track);

CREATE TABLE scored AS
SELECT *, round(p_tax + coalesce(p_va, 0) + coalesce(p_tce, 0) + coalesce(p_em2, 0) + coalesce(p_emp, 0)
                + coalesce(p_rd, 0) + coalesce(p_rev, 0) + bonus + penalty, 2) AS total
FROM p;

-- Classes by position within track and county (A ≤ 20 %, B ≤ 60 %, C ≤ 95 %, else D); vetoed firms are D.
CREATE TABLE ranked AS
WITH g AS (
  SELECT id, row_number() OVER w AS pos, count(*) OVER (PARTITION BY track, county) AS n
  FROM scored WHERE status = 'graded' WINDOW w AS (PARTITION BY track, county ORDER BY total DESC, tax_per_mu DESC NULLS LAST, id)
)
SELECT s.*, CASE WHEN s.status = 'vetoed' THEN 'D' WHEN 100 * g.pos <= 20 * g.n THEN 'A' WHEN 100 * g.pos <= 60 * g.n THEN 'B'
                 WHEN 100 * g.pos <= 95 * g.n THEN 'C' ELSE 'D' END AS class,
  row_number() OVER (PARTITION BY s.track, s.county ORDER BY s.status = 'vetoed', s.total DESC, s.tax_per_mu DESC NULLS LAST, s.id) AS rank,
  row_number() OVER (PARTITION BY s.track, substr(s.industry, 1, 2) ORDER BY s.status = 'vetoed', s.total DESC, s.tax_per_mu DESC NULLS LAST, s.id) AS industry_rank
FROM scored s LEFT JOIN g USING (id);

COPY (
  SELECT st.id AS enterprise_id, st.name, st.county, st.park, st.industry, st.scale, st.track, st.status,
         round(st.land, 4) AS land_mu, round(st.tax, 2) AS tax, round(r.tax_per_mu, 4) AS tax_per_mu, round(r.va_per_mu, 4) AS va_per_mu,
         round(r.va_per_tce, 4) AS va_per_tce, round(r.va_per_emission, 4) AS va_per_emission,
         round(r.va_per_employee, 4) AS va_per_employee, round(r.rd_ratio, 4) AS rd_ratio, round(r.revenue_per_mu, 4) AS revenue_per_mu,
         round(r.p_tax, 4) AS p_tax, round(r.p_va, 4) AS p_va, round(r.p_tce, 4) AS p_tce, round(r.p_em2, 4) AS p_em,
         round(r.p_emp, 4) AS p_emp, round(r.p_rd, 4) AS p_rd, round(r.p_rev, 4) AS p_rev, st.bonus, st.penalty,
         r.total, CASE WHEN st.status = 'undetermined' THEN 'T' ELSE r.class END AS class, r.rank, r.industry_rank
  FROM st LEFT JOIN ranked r USING (id)
  ORDER BY st.track, st.county, r.rank NULLS LAST, st.id
) TO '{OUT}/enterprises.csv' (HEADER, DELIMITER ',');

COPY (
  SELECT county, count(*) AS enterprises, sum(land) AS land_mu, sum(tax) / sum(land) FILTER (WHERE tax IS NOT NULL) AS tax_per_mu,
         sum(va) / sum(land) FILTER (WHERE va IS NOT NULL) AS va_per_mu,
         count(*) FILTER (WHERE class = 'A') AS a, count(*) FILTER (WHERE class = 'B') AS b,
         count(*) FILTER (WHERE class = 'C') AS c, count(*) FILTER (WHERE class = 'D') AS d
  FROM st LEFT JOIN (SELECT id, class FROM ranked) USING (id) WHERE land > 0 GROUP BY ROLLUP (county) ORDER BY county NULLS LAST
) TO '{OUT}/by_county.csv' (HEADER, DELIMITER ',');
