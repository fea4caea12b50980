"""The database's schema: each migration, and the mark that a file is newsdesk's."""

# Marks the file as newsdesk's (PRAGMA application_id), so that another application's SQLite
# file is never taken for ours: "nwsd".
APPLICATION_ID = 0x6E777364
# Each entry upgrades the schema by one version; `PRAGMA user_version` says which have run.
MIGRATIONS: tuple[str, ...] = (
    # 1: articles and what was extracted from them; the search index as blobs.
    """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        file_name TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL,
        title TEXT NOT NULL,
        published TEXT,
        published_utc TEXT,
        author TEXT,
        photo_caption TEXT,
        photo_credit TEXT,
        lead TEXT NOT NULL,
        loaded_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        description TEXT,
        text TEXT NOT NULL
    );
    CREATE TABLE sections (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        label TEXT,
        kind TEXT NOT NULL
    );
    CREATE TABLE facts (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        section_id INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        terms TEXT NOT NULL,
        speaker TEXT
    );
    CREATE TABLE quotes (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        speaker TEXT
    );
    CREATE TABLE figures (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        fact_id INTEGER REFERENCES facts(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        qualifier TEXT,
        value REAL NOT NULL,
        unit TEXT NOT NULL,
        claimant TEXT,
        when_text TEXT,
        sentence TEXT NOT NULL
    );
    CREATE INDEX sources_article ON sources(article_id);
    CREATE INDEX sections_article ON sections(article_id);
    CREATE INDEX facts_article ON facts(article_id);
    CREATE INDEX facts_section ON facts(section_id);
    CREATE INDEX quotes_article ON quotes(article_id);
    CREATE INDEX figures_article ON figures(article_id);
    CREATE INDEX figures_fact ON figures(fact_id);
    CREATE TABLE search_terms (
        term TEXT PRIMARY KEY,
        df INTEGER NOT NULL,
        postings BLOB NOT NULL,
        surface TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE search_meta (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        generation INTEGER NOT NULL,
        fact_count INTEGER NOT NULL,
        average_length REAL NOT NULL
    );
    INSERT INTO search_meta VALUES (1, 0, 0, 1.0);
    """,
    # 2: the page address, when an article file carries it, so that digests can link it.
    """
    ALTER TABLE articles ADD COLUMN url TEXT;
    """,
    # 3: the audit trail of reloads: who, when, and what came of it.
    """
    CREATE TABLE reloads (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        guild_id INTEGER,
        user_id INTEGER,
        user_name TEXT NOT NULL,
        summary TEXT NOT NULL,
        failed INTEGER NOT NULL,
        seconds REAL NOT NULL,
        files TEXT NOT NULL
    );
    CREATE INDEX reloads_at ON reloads(at);
    """,
    # 4: daily digests: each server's schedule, and one row per server and local day, whose
    # primary key is the claim that makes a day's digest go out once. Each article keeps the
    # generation of the load that last wrote it: a digest covers a range of generations, which
    # (unlike clock times) are only seen once committed, so no article falls between two digests.
    """
    ALTER TABLE articles ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX articles_generation ON articles(generation);
    CREATE TABLE digest_settings (
        guild_id INTEGER PRIMARY KEY,
        channel_id INTEGER,
        post_time TEXT NOT NULL,
        timezone TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        skip_empty INTEGER NOT NULL,
        schedule_from TEXT,
        updated_by INTEGER,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE digest_days (
        guild_id INTEGER NOT NULL,
        local_date TEXT NOT NULL,
        trigger TEXT NOT NULL,
        status TEXT NOT NULL,
        channel_id INTEGER,
        since TEXT NOT NULL,
        until TEXT NOT NULL,
        after_generation INTEGER,
        up_to_generation INTEGER NOT NULL,
        claimed_at TEXT NOT NULL,
        finished_at TEXT,
        attempts INTEGER NOT NULL,
        next_attempt_at TEXT,
        error TEXT,
        articles INTEGER NOT NULL DEFAULT 0,
        message_ids TEXT NOT NULL DEFAULT '[]',
        article_ids TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (guild_id, local_date)
    ) WITHOUT ROWID;
    """,
    # 5: the command tree last published for each application, by its hash, so that start-up
    # publishes the commands only when they changed (Discord rate-limits global syncs).
    """
    CREATE TABLE command_syncs (
        application_id INTEGER NOT NULL,
        scope TEXT NOT NULL,
        tree_hash TEXT NOT NULL,
        synced_at TEXT NOT NULL,
        PRIMARY KEY (application_id, scope)
    ) WITHOUT ROWID;
    """,
    # 6: a server's digest settings keep only what its moderators set, as JSON, merged over the
    # defaults when read: a default changed later reaches every server that did not set it.
    # The rows of 4 held every value; they are kept, as set.
    """
    CREATE TABLE digest_servers (
        guild_id INTEGER PRIMARY KEY,
        settings TEXT NOT NULL,
        updated_by INTEGER,
        updated_at TEXT NOT NULL
    );
    INSERT INTO digest_servers SELECT guild_id, json_object('channel_id', channel_id, 'at',
        post_time, 'zone', timezone, 'enabled', json(CASE WHEN enabled THEN 'true' ELSE 'false'
        END), 'skip_empty', json(CASE WHEN skip_empty THEN 'true' ELSE 'false' END),
        'schedule_from', schedule_from), updated_by, updated_at FROM digest_settings;
    DROP TABLE digest_settings;
    """,
    # 7: each fact's claim (who says it, how, when, what it names) as the extractor's JSON, and
    # its claimant apart, indexed with the speaker of its quote, for "what did X say". The
    # articles stored before it are parsed again at the next load (their hash is forgotten),
    # which keeps their dates: a re-parse is no news for the digest.
    """
    ALTER TABLE facts ADD COLUMN claim TEXT;
    ALTER TABLE facts ADD COLUMN claimant TEXT;
    CREATE INDEX facts_claimant ON facts(claimant);
    CREATE INDEX facts_speaker ON facts(speaker);
    UPDATE articles SET content_hash = '';
    """,
    # 8: what each figure counts ("containers of ammunition") and the whole of a share ("47 of
    # the 52 missiles": 52). Figures stored before have neither: what they count is read as
    # their unit, and their articles are parsed again at the next load, keeping their dates,
    # as after 7.
    """
    ALTER TABLE figures ADD COLUMN counted TEXT;
    ALTER TABLE figures ADD COLUMN of_total REAL;
    UPDATE articles SET content_hash = '';
    """,
    # 9: stories. Each article's story (the smallest id among the articles reporting the same
    # event), the newer copy that replaces it (an update of the same page), the page's own
    # "Updated" time that tells which copy is newer, and the keys two reports of one event
    # share. Figures are found by unit for the digest's "what moved", quotes by speaker for
    # /who. Articles are parsed again
    # at the next load, keeping their dates, as after 7, so that every one has its keys.
    """
    ALTER TABLE articles ADD COLUMN story INTEGER;
    ALTER TABLE articles ADD COLUMN replaced_by INTEGER REFERENCES articles(id) ON DELETE SET NULL;
    ALTER TABLE articles ADD COLUMN revised_utc TEXT;
    CREATE INDEX articles_story ON articles(story);
    CREATE INDEX articles_replaced_by ON articles(replaced_by);
    CREATE TABLE story_keys (
        key TEXT NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
    );
    CREATE INDEX story_keys_key ON story_keys(key);
    CREATE INDEX story_keys_article ON story_keys(article_id);
    CREATE INDEX figures_unit ON figures(unit);
    CREATE INDEX quotes_speaker ON quotes(speaker);
    UPDATE articles SET content_hash = '';
    """,
    # 10: articles that came from the web: how each came (the seeds folder, a link, an upload,
    # a feed), and the page as it was fetched, so that a re-parse after an upgrade needs no
    # refetch. Feeds, with what their conditional requests send and how their polls went; the
    # entries each feed gave, once each (by GUID, else link), with the version an update
    # changes; and where a server's new articles are announced, each once.
    """
    ALTER TABLE articles ADD COLUMN origin TEXT NOT NULL DEFAULT 'folder';
    CREATE INDEX articles_origin ON articles(origin);
    CREATE TABLE pages (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        address TEXT NOT NULL,
        content_type TEXT NOT NULL,
        body BLOB NOT NULL,
        stored_at TEXT NOT NULL
    );
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        title TEXT,
        added_by TEXT NOT NULL,
        added_at TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        checked_at TEXT,
        fetched_at TEXT,
        new_entry_at TEXT,
        error TEXT,
        error_at TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        next_poll_at TEXT
    );
    CREATE TABLE feed_entries (
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        link TEXT,
        version TEXT NOT NULL,
        article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,
        first_seen_at TEXT NOT NULL,
        loaded_at TEXT NOT NULL,
        initial INTEGER NOT NULL,
        PRIMARY KEY (feed_id, key)
    );
    CREATE INDEX feed_entries_article ON feed_entries(article_id);
    CREATE TABLE feed_announcements (
        guild_id INTEGER PRIMARY KEY,
        channel_id INTEGER NOT NULL,
        set_by INTEGER,
        set_at TEXT NOT NULL
    );
    CREATE TABLE announced (
        guild_id INTEGER NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        posted_at TEXT NOT NULL,
        PRIMARY KEY (guild_id, article_id)
    );
    """,
    # 11: a folder file's size and modification time when it was last read, so that a reload
    # reads again only the files whose size or time changed (NULL: read it, and hash it).
    """
    ALTER TABLE articles ADD COLUMN file_size INTEGER;
    ALTER TABLE articles ADD COLUMN file_mtime_ns INTEGER;
    """,
    # 12: one person's quotes, newest article first, read in that order from the index instead
    # of sorted each time (10,000 quotes of one speaker at 100,000 articles: 4.4 ms a look-up).
    """
    CREATE INDEX quotes_speaker_newest ON quotes(speaker, article_id DESC, position);
    DROP INDEX quotes_speaker;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
