//! Portainer settings: `client.settings()`.
//!
//! The models are the generated ones: [`models::Settings`] keeps the fields
//! it does not know in `extra`, and [`models::SettingsUpdatePayload`] sends
//! only the fields that are `Some` (Portainer's handler applies a partial
//! update: api/http/handler/settings/settings_update.go keeps every setting
//! whose field is absent).

use crate::models;
use crate::{Client, Error};

/// Settings operations, from [`Client::settings`].
///
/// ```no_run
/// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
/// use portainer_sdk::models::SettingsUpdatePayload;
/// let settings = client.settings().get().await?;
/// println!("snapshots every {:?}", settings.snapshot_interval);
/// client
///     .settings()
///     .update(SettingsUpdatePayload {
///         snapshot_interval: Some("10m".into()),
///         ..Default::default()
///     })
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Settings<'c> {
    pub(crate) client: &'c Client,
}

impl<'c> Settings<'c> {
    /// All settings (`GET /api/settings`; administrators only).
    pub async fn get(&self) -> Result<models::Settings, Error> {
        let sent = self.client.raw().settings_inspect().send();
        self.client.value("SettingsInspect", sent).await
    }

    /// What the login page needs (`GET /api/settings/public`, no credentials).
    ///
    /// ```no_run
    /// # async fn run(client: portainer_sdk::Client) -> Result<(), portainer_sdk::Error> {
    /// let public = client.settings().public().await?;
    /// println!("{:?}", public.authentication_method);
    /// # Ok(()) }
    /// ```
    pub async fn public(&self) -> Result<models::PublicSettingsResponse, Error> {
        let anonymous = self.client.generated(None, true);
        let sent = anonymous.settings_public().send();
        self.client.value("SettingsPublic", sent).await
    }

    /// Changes the settings whose fields are `Some` in `patch` and returns
    /// them all (`PUT /api/settings`; administrators only). A patch that
    /// changes nothing is [`Error::InvalidInput`], and nothing is sent.
    pub async fn update(
        &self,
        patch: models::SettingsUpdatePayload,
    ) -> Result<models::Settings, Error> {
        if patch == models::SettingsUpdatePayload::default() {
            return Err(Error::InvalidInput(
                "the settings update sets no field: nothing to change".into(),
            ));
        }
        let sent = self.client.raw().settings_update().body(&patch).send();
        self.client.value("SettingsUpdate", sent).await
    }
}
