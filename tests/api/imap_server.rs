//! A real IMAP server for the bounce tests: Debian's dovecot, started as a child process with
//! a generated configuration in a temporary folder (loopback only, plaintext login from a
//! passwd-file, Maildir in the folder). Stopped when dropped.

use std::net::TcpStream;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const USER: &str = "bounces";
pub const PASSWORD: &str = "bounce-box-password";

pub struct ImapServer {
    pub port: u16,
    child: Child,
    dir: tempfile::TempDir,
}

/// Where dovecot is, when it is installed (scripts/test installs `dovecot-imapd`).
fn dovecot() -> Option<std::path::PathBuf> {
    ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"]
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.is_file())
}

impl ImapServer {
    /// Starts dovecot on a free port; `None` (and SKIPPED said once) when it is not installed.
    pub fn start() -> Option<Self> {
        let Some(binary) = dovecot() else {
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "\nSKIPPED: the late-bounce tests, because dovecot is not installed \
                     (scripts/test installs dovecot-imapd)\n"
                );
            });
            return None;
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        // dovecot's own processes run as its users (as root) and must reach the folder.
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let mail = root.join("mail");
        std::fs::create_dir(&mail).expect("mail dir");
        std::fs::set_permissions(&mail, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let me = std::fs::metadata(root).expect("metadata").uid();
        let (internal, login, mail_user) = if me == 0 {
            ("dovecot".to_owned(), "dovenull".to_owned(), "dovecot".to_owned())
        } else {
            let name = std::env::var("USER").unwrap_or_else(|_| {
                let out = Command::new("id").arg("-un").output().expect("id -un");
                String::from_utf8_lossy(&out.stdout).trim().to_owned()
            });
            (name.clone(), name.clone(), name)
        };
        let port = crate::helpers::free_port();
        let passwd = root.join("passwd");
        std::fs::write(&passwd, format!("{USER}:{{PLAIN}}{PASSWORD}\n")).expect("passwd");
        let conf = root.join("dovecot.conf");
        let r = root.display();
        std::fs::write(
            &conf,
            format!(
                "base_dir = {r}/run\n\
                 state_dir = {r}/state\n\
                 log_path = {r}/dovecot.log\n\
                 protocols = imap\n\
                 listen = 127.0.0.1\n\
                 ssl = no\n\
                 disable_plaintext_auth = no\n\
                 auth_mechanisms = plain login\n\
                 default_internal_user = {internal}\n\
                 default_internal_group = {internal}\n\
                 default_login_user = {login}\n\
                 mail_location = maildir:{r}/mail/%u\n\
                 mail_uid = {mail_user}\n\
                 mail_gid = {mail_user}\n\
                 first_valid_uid = 0\n\
                 passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {pw}\n}}\n\
                 userdb {{\n  driver = static\n  args = uid={mail_user} gid={mail_user} home={r}/mail/%u\n}}\n\
                 service imap-login {{\n  chroot =\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
                 service anvil {{\n  chroot =\n}}\n",
                pw = passwd.display(),
            ),
        )
        .expect("dovecot.conf");
        let child = Command::new(binary)
            .arg("-F")
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(
                std::fs::File::create(root.join("stderr.log"))
                    .map(Stdio::from)
                    .unwrap_or_else(|_| Stdio::null()),
            )
            .spawn()
            .expect("dovecot starts");
        let server = Self { port, child, dir };
        server.wait_until_ready();
        Some(server)
    }

    fn wait_until_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(stream) = TcpStream::connect(("127.0.0.1", self.port)) {
                let mut client = imap::Client::new(stream);
                if client.read_greeting().is_ok() {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("dovecot did not answer; its log:\n{}", self.log());
    }

    pub fn log(&self) -> String {
        let read = |name: &str| std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
        format!("{}{}", read("stderr.log"), read("dovecot.log"))
    }

    /// The app's setting for this mailbox.
    pub fn url(&self) -> String {
        format!("imap://{USER}:{PASSWORD}@127.0.0.1:{}/INBOX", self.port)
    }

    /// Delivers a message into the mailbox (IMAP APPEND), as the mail system would.
    pub fn deliver(&self, raw: &[u8]) {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        let mut client = imap::Client::new(stream);
        client.read_greeting().expect("greeting");
        let mut session = client.login(USER, PASSWORD).map_err(|(e, _)| e).expect("login");
        session.append("INBOX", raw).finish().expect("append");
        session.logout().expect("logout");
    }

    /// How many messages of the mailbox are still unread.
    pub fn unseen(&self) -> usize {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        let mut client = imap::Client::new(stream);
        client.read_greeting().expect("greeting");
        let mut session = client.login(USER, PASSWORD).map_err(|(e, _)| e).expect("login");
        session.select("INBOX").expect("select");
        let n = session.search("UNSEEN").expect("search").len();
        session.logout().expect("logout");
        n
    }
}

impl Drop for ImapServer {
    fn drop(&mut self) {
        // Its own child, by its id: dovecot's master stops its processes on SIGTERM.
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
