-- Keyword search: index events without InnoDB's stopword list, so words such as "the",
-- "who", "this" or "will" are searchable and acts like "The Who" can be found.
--
-- InnoDB decides whether a table's FULLTEXT indexes drop stopwords when it creates the
-- table's FULLTEXT bookkeeping (with its first FULLTEXT index, or when the table is rebuilt),
-- from the session's innodb_ft_enable_stopword, and records that in the table's FTS config;
-- every later insert and update is tokenized by the recorded value. Rebuilding the table
-- with the setting off re-indexes the existing rows and records "no stopwords" for all
-- future ones, across restarts. (Dropping and re-adding the indexes one at a time re-indexes
-- old rows but leaves new rows filtered; dropping all of them and adding them back leaves a
-- running server's FTS cache stale until a restart. Both were tried on MariaDB 10.11.)
--
-- A later migration that rebuilds the events table (ALTER ... FORCE, or any change MariaDB
-- cannot do in place or instantly) must begin with the same SET SESSION line, or new rows
-- lose their stopwords again; tests/integration/30_search.test.mjs ("The Who") notices.

SET SESSION innodb_ft_enable_stopword = OFF;

ALTER TABLE events FORCE;

SET SESSION innodb_ft_enable_stopword = DEFAULT;
